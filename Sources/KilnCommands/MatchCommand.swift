import ArgumentParser
import Crystal
import Foundation
import Matching

/// `kiln match A B`: whether two structures match, with pymatgen's normalised rms and maximum
/// displacement.
struct MatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Compare two structures with StructureMatcher (fit, rms and max distance).",
        discussion: """
            Each file's first structure is used. Distances are normalised by (V/n)^(1/3) as in pymatgen. \
            With --attempt-supercell the work grows steeply with the number of sites (minutes for \
            500-1000-site cells), so it shows progress on stderr and refuses reduced cells of more \
            than --max-supercell-sites sites (default 300) unless the limit is raised.
            """)

    @Argument(help: "First structure file.") var first: String
    @Argument(help: "Second structure file.") var second: String
    @OptionGroup var options: MatcherOptions
    @Option(name: .customLong("max-supercell-sites"),
            help: "With --attempt-supercell, the most sites a reduced (primitive) cell may have.")
    var maxSupercellSites = 300
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard maxSupercellSites >= 1 else { throw ValidationError("--max-supercell-sites must be at least 1") }
    }

    func run() throws {
        let matcher = options.matcher
        let a = matcher.prepare(try Self.firstStructure(first)), b = matcher.prepare(try Self.firstStructure(second))
        let (fit, distance): (Bool, StructureMatcher.Distance?)
        if options.attemptSupercell {
            for (path, s) in [(first, a), (second, b)] where s.reduced.count > maxSupercellSites {
                throw CommandError("\(path): its reduced cell has \(s.reduced.count) sites; --attempt-supercell is limited to "
                                   + "\(maxSupercellSites), since the search grows steeply with size (minutes for 500-1000 sites); raise --max-supercell-sites to try anyway")
            }
            let progress = StepProgress("supercell search", steps: ["fit", "rms distance"])
            defer { progress.finish() }
            progress.begin(0)
            let f = matcher.fit(a, b, symmetric: options.symmetric)
            progress.begin(1)
            (fit, distance) = (f, matcher.rmsDistance(a, b))
        } else {
            (fit, distance) = (matcher.fit(a, b, symmetric: options.symmetric), matcher.rmsDistance(a, b))
        }
        if json {
            var out: [String: Any] = ["fit": fit, "first": first, "second": second]
            out["rms"] = distance?.rms ?? NSNull()
            out["max_distance"] = distance?.maxDistance ?? NSNull()
            print(try jsonText(out))
        } else {
            print("fit: \(fit)")
            if let d = distance {
                print(String(format: "rms: %.6f\nmax distance: %.6f", d.rms, d.maxDistance))
            } else {
                print("rms: none (no match within stol)")
            }
        }
    }

    static func firstStructure(_ path: String) throws -> Structure {
        let first = try StructureInput.load([path])[0]
        try MatcherOptions.check(first)
        return first.structure
    }
}
