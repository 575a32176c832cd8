import ArgumentParser
import Crystal
import CrystalIO
import Foundation

/// `kiln-bench io`: times CIF parsing of every fixture CIF text and 5 Å neighbour lists of every
/// fixture structure (compare with Benchmarks/io_python.py on the same inputs).
struct BenchIOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "io",
        abstract: "Time CIF parsing and 5 Å neighbour lists on the fixture inputs.")

    @Option(help: "cifs.json(.gz) with {cifs: {id: {text}}}.")
    var cifs = "Tests/Fixtures/cifs.json.gz"

    @OptionGroup var structures: BenchStructures

    @Option(help: "Repetitions; the fastest pass is reported.")
    var repeats: Int = 5

    func validate() throws {
        try Timing.validate(repeats: repeats)
    }

    @Option(help: "Neighbour cutoff in Å.")
    var cutoff: Double = 5

    func run() throws {
        Machine.printHeader()
        let texts = try BenchInputs.cifTexts(cifs)
        let cells = try structures.load()
        var parsed = 0
        let cifTime = Timing.best(repeats) {
            parsed = 0
            for t in texts { parsed += (try? CIFReader().read(t))?.count ?? 0 }
        }.wall * 1e3
        var pairs = 0
        let nlTime = Timing.best(repeats) {
            pairs = 0
            for s in cells { pairs += NeighborList(structure: s, cutoff: cutoff).count }
        }.wall * 1e3
        print(String(format: "cif_parse      %4d texts   %9.2f ms total  %8.4f ms/item  (%d structures)",
                     texts.count, cifTime, cifTime / Double(texts.count), parsed))
        print(String(format: "neighbors_%gA   %4d cells   %9.2f ms total  %8.4f ms/item  (%d pairs)",
                     cutoff, cells.count, nlTime, nlTime / Double(cells.count), pairs))
    }
}
