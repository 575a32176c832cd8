import ArgumentParser
import Crystal
import CrystalIO
import Foundation

/// `kiln bench io`: times CIF parsing of every fixture CIF text and 5 Å neighbour lists of every
/// fixture structure (compare with Benchmarks/io_python.py on the same inputs).
struct BenchIOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "io",
        abstract: "Time CIF parsing and 5 Å neighbour lists on the fixture inputs.")

    @Option(help: "cifs.json(.gz) with {cifs: {id: {text}}}.")
    var cifs = "Tests/Fixtures/cifs.json.gz"

    @Option(help: "structures.json(.gz) with {structures: [{structure: {lattice, species, frac_coords}}]}.")
    var structures = "Tests/Fixtures/structures.json.gz"

    @Option(help: "Repetitions; the fastest pass is reported.")
    var repeats: Int = 5

    @Option(help: "Neighbour cutoff in Å.")
    var cutoff: Double = 5

    func run() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        let texts: [String]
        let cells: [Structure]
        do {
            texts = try BenchInputs.cifTexts(cifs)
            cells = try BenchInputs.fixtureStructures(structures)
        } catch {
            FileHandle.standardError.write(Data("kiln bench io: \(error)\n".utf8))
            throw ExitCode.failure
        }
        var parsed = 0
        let cifTime = Self.best(repeats) {
            parsed = 0
            for t in texts { parsed += (try? CIFReader().read(t))?.count ?? 0 }
        }
        var pairs = 0
        let nlTime = Self.best(repeats) {
            pairs = 0
            for s in cells { pairs += NeighborList(structure: s, cutoff: cutoff).count }
        }
        print(String(format: "cif_parse      %4d texts   %9.2f ms total  %8.4f ms/item  (%d structures)",
                     texts.count, cifTime, cifTime / Double(texts.count), parsed))
        print(String(format: "neighbors_%gA   %4d cells   %9.2f ms total  %8.4f ms/item  (%d pairs)",
                     cutoff, cells.count, nlTime, nlTime / Double(cells.count), pairs))
    }

    /// Fastest of `n` runs, in milliseconds.
    static func best(_ n: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<n {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return best
    }
}
