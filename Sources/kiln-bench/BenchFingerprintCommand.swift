import ArgumentParser
import Crystal
import Foundation
import Matching

/// `kiln-bench fingerprint`: CrystalNN environments and CrystalNNFingerprint("ops") site
/// fingerprints of the fixture structures with at most 48 sites, on one thread — the work
/// Benchmarks/fingerprint_python.py times with pymatgen and matminer.
struct BenchFingerprintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fingerprint",
        abstract: "Time CrystalNN and CrystalNNFingerprint on the fixture structures (compare with Benchmarks/fingerprint_python.py).")

    @OptionGroup var structures: BenchStructures

    @Option(help: "Repetitions; the fastest pass is reported.")
    var repeats: Int = 3

    func validate() throws {
        try Timing.validate(repeats: repeats)
    }

    func run() throws {
        Machine.printHeader()
        let cells = try structures.load().filter { $0.count <= 48 }
        let sites = cells.reduce(0) { $0 + $1.count }
        var failed = 0
        let nnTime = Timing.best(repeats) {
            failed = 0
            for s in cells where (try? CrystalNN().environments(s)) == nil { failed += 1 }
        }.wall * 1e3
        let fpTime = Timing.best(repeats) {
            for s in cells { _ = try? CrystalNNFingerprint().siteFingerprints(s) }
        }.wall * 1e3
        print(String(format: "crystalnn     %4d structures %5d sites  %9.2f ms total  %8.4f ms/site", cells.count, sites, nnTime,
                     nnTime / Double(sites)))
        print(String(format: "fingerprint   %4d structures %5d sites  %9.2f ms total  %8.4f ms/site", cells.count, sites, fpTime,
                     fpTime / Double(sites)))
        print("\(failed) structures refused (no radius for an element, as pymatgen)")
    }
}
