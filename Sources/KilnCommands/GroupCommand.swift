import ArgumentParser
import Crystal
import CrystalIO
import Foundation
import Matching

/// `kiln group FILES…`: equivalence classes of structures under StructureMatcher.
struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Group structures into classes of matching ones (pymatgen's group_structures).",
        discussion: "Every structure of every file takes part; a file holding several is labelled file#k (k from 1).")

    @Argument(help: "Structure files.") var files: [String]
    @OptionGroup var options: MatcherOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one structure file") }
        var labels: [String] = [], structures: [Structure] = []
        for path in files {
            let list = try StructureFile.read(URL(fileURLWithPath: path))
            if list.isEmpty { throw ValidationError("\(path): no structure in file") }
            for (k, s) in list.enumerated() {
                labels.append(list.count == 1 ? path : "\(path)#\(k + 1)")
                try MatcherOptions.check(s, labels.last!)
                structures.append(s)
            }
        }
        let groups = options.matcher.group(structures, symmetric: options.symmetric)
        if json {
            let out: [String: Any] = ["n_structures": structures.count, "groups": groups.map { $0.map { labels[$0] } }]
            let data = try JSONSerialization.data(withJSONObject: out, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("\(structures.count) structures, \(groups.count) groups")
            for (k, g) in groups.enumerated() {
                print("group \(k + 1) (\(structures[g[0]].reducedFormula), \(g.count)): " + g.map { labels[$0] }.joined(separator: " "))
            }
        }
    }
}
