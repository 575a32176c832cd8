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
        discussion: "Each file's first structure is used. Distances are normalised by (V/n)^(1/3) as in pymatgen.")

    @Argument(help: "First structure file.") var first: String
    @Argument(help: "Second structure file.") var second: String
    @OptionGroup var options: MatcherOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let a = try Self.firstStructure(first), b = try Self.firstStructure(second)
        let matcher = options.matcher
        let fit = matcher.fit(a, b, symmetric: options.symmetric)
        let distance = matcher.rmsDistance(a, b)
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
