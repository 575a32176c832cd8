import ArgumentParser
import Crystal
import Foundation
import Symmetry

/// `kiln-bench symmetry`: times the spglib binding on a structure set, mirroring the Python
/// timing script (dataset + standardized primitive + conventional cell per structure, and the
/// SpacegroupAnalyzer construction, for symprec 1e-3 and 0.1 with angle tolerance -1).
struct BenchSymmetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "symmetry",
        abstract: "Time symmetry analysis (spglib dataset + standardization) over a structure file.")

    @Argument(help: "structures.json(.gz) with {structures: [{id, structure: {lattice, species, frac_coords}}]}, e.g. Tests/Fixtures/structures.json.gz.")
    var file: String

    @Option(help: "Timed passes per section; the fastest is reported.")
    var repeats: Int = 3

    func validate() throws {
        try Timing.validate(repeats: repeats)
    }

    func run() throws {
        Machine.printHeader()
        let structures = try BenchInputs.fixtureStructures(file).map(\.structure)
        print("\(structures.count) structures from \(file), best of \(repeats) passes")
        print("| section | n | failed | wall s | ms per item |")
        print("|---|---|---|---|---|")
        for symprec in [1e-3, 0.1] {
            report("`SpacegroupAnalyzer(s, symprec: \(symprec), angleTolerance: -1).spaceGroupNumber`", structures) {
                _ = try SpacegroupAnalyzer($0, symprec: symprec, angleTolerance: -1).spaceGroupNumber
            }
            report("dataset + standardized primitive + conventional, symprec \(symprec)", structures) {
                _ = try SymmetryDataset($0, symprec: symprec, angleTolerance: -1)
                _ = try $0.standardized(.primitive, symprec: symprec, angleTolerance: -1)
                _ = try $0.standardized(.conventional, symprec: symprec, angleTolerance: -1)
            }
        }
    }

    /// Runs `body` on every structure `repeats` times and prints the fastest pass as a table row.
    private func report(_ label: String, _ structures: [Structure], _ body: (Structure) throws -> Void) {
        var failed = 0
        let best = Timing.best(repeats) {
            failed = 0
            for s in structures {
                do { try body(s) } catch { failed += 1 }
            }
        }.wall
        let perItem = best / Double(structures.count) * 1000
        print("| \(label) | \(structures.count) | \(failed) | \(String(format: "%.3f", best)) | \(String(format: "%.3f", perItem)) |")
    }
}
