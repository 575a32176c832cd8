import ArgumentParser
import Crystal
import Foundation
import Matching

/// `kiln group FILES…`: equivalence classes of structures under StructureMatcher.
struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Group structures into classes of matching ones (pymatgen's group_structures).",
        discussion: """
            Every structure of every file takes part; a file holding several is labelled file#k (k from 1). \
            Unreadable files among several are reported on stderr and left out; the exit status is then 1.
            """)

    @OptionGroup var inputs: StructureFiles
    @OptionGroup var options: MatcherOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let (entries, skipped) = try inputs.loadReadable(command: "group")
        try entries.forEach(MatcherOptions.check)
        let labels = entries.map(\.name), structures = entries.map(\.structure)
        let groups = options.matcher.group(structures, symmetric: options.symmetric)
        if json {
            let out: [String: Any] = ["n_structures": structures.count, "groups": groups.map { $0.map { labels[$0] } }]
            print(try jsonText(out))
        } else {
            print("\(structures.count) structures, \(groups.count) groups")
            for (k, g) in groups.enumerated() {
                print("group \(k + 1) (\(structures[g[0]].reducedFormula), \(g.count)): " + g.map { labels[$0] }.joined(separator: " "))
            }
        }
        if skipped > 0 { throw ExitCode.failure }
    }
}
