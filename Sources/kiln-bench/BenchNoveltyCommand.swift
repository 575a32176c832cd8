import ArgumentParser
import Crystal
import CrystalIO
import Evaluation
import Foundation
import Generation
import KilnCommands
import ReferenceData

/// `kiln-bench novelty`: novelty of N candidates against the 36,737 built-in MP structures, the
/// work Benchmarks/novelty_python.py does with pymatgen. Candidates are every k-th reference,
/// rattled by 0.05 Å (even positions: should match their source) or with a stretched a axis
/// (odd positions: should be novel).
struct BenchNoveltyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "novelty",
        abstract: "Benchmark novelty against the built-in MP structures (compare with Benchmarks/novelty_python.py).")

    @Option(help: "Number of candidates.") var count = 1000
    @Option(name: .customLong("write-candidates"), help: "Write the candidates as JSON for the Python side.")
    var writeCandidates: String?
    @Option(name: .customLong("write-flags"), help: "Write the novelty flags as JSON (to compare with pymatgen).")
    var writeFlags: String?

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
    }

    /// A candidate as written for the Python side: the compact structure form plus its source.
    private struct Candidate: Encodable {
        var sourceIndex: Int
        var structure: StructureCoding

        private enum Key: String, CodingKey { case source_index }

        func encode(to encoder: Encoder) throws {
            try structure.encode(to: encoder)
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(sourceIndex, forKey: .source_index)
        }
    }

    func run() throws {
        Machine.printHeader()
        var t = Timing.wallSeconds()
        func lap() -> Double {
            let now = Timing.wallSeconds()
            defer { t = now }
            return now - t
        }
        let mp: ReferenceStructures
        do { mp = try ReferenceStructures.mp() } catch { throw CommandError("cannot load the MP references: \(describe(error))") }
        let refs = mp.indices.map(mp.structure(at:))
        let loadTime = lap()
        guard count <= refs.count else { throw ValidationError("--count must be at most \(refs.count)") }
        let step = refs.count / count
        let sources = (0..<count).map { $0 * step }
        let candidates = sources.enumerated().map { k, r -> Structure in
            if k % 2 == 0 { return refs[r].perturbed(distance: 0.05, seed: UInt64(k)) }
            var s = refs[r]
            var m = s.lattice.matrix
            for j in 0..<3 { m[0, j] *= 1.5 }
            s.lattice = Lattice(m)
            return s
        }
        if let writeCandidates {
            let rows = zip(sources, candidates).map { Candidate(sourceIndex: $0, structure: StructureCoding($1)) }
            try CommandError.naming(writeCandidates) {
                try JSONEncoder().encode(rows).write(to: URL(fileURLWithPath: writeCandidates))
            }
        }
        _ = lap()
        let serialChecker = NoveltyChecker(references: refs)
        let indexTime = lap()
        let serial = candidates.map(serialChecker.isNovel)
        let serialTime = lap()
        let parallelChecker = NoveltyChecker(references: refs)
        _ = lap()
        let parallel = parallelChecker.novelty(candidates)
        let parallelTime = lap()
        guard serial == parallel else { throw CommandError("serial and parallel novelty disagree") }
        if let writeFlags {
            try CommandError.naming(writeFlags) { try JSONEncoder().encode(serial).write(to: URL(fileURLWithPath: writeFlags)) }
        }
        print("| step | seconds |\n|---|---|")
        print(String(format: "| decode %d MP structures | %.3f |", refs.count, loadTime))
        print(String(format: "| index (composition buckets) | %.3f |", indexTime))
        print(String(format: "| novelty of %d candidates, 1 thread | %.3f |", count, serialTime))
        print(String(format: "| novelty of %d candidates, all cores | %.3f |", count, parallelTime))
        print("\n\(serial.filter { $0 }.count) of \(count) novel")
    }
}
