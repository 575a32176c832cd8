import ArgumentParser
import Crystal
import CrystalIO
import Foundation
import KilnCommands
import KilnSupport
import Matching

/// `kiln-bench match`: times StructureMatcher on matcher.json the way Benchmarks/match_python.py
/// times pymatgen (fit and rms on every pair, group_structures on the group case, both settings).
struct BenchMatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Benchmark structure matching on the matcher fixture (compare with Benchmarks/match_python.py).")

    @Option(help: "matcher.json or matcher.json.gz.") var fixture = "Tests/Fixtures/matcher.json.gz"
    @Option(name: .customLong("repeat"), help: "Repetitions; the fastest is reported.") var repeats = 3
    @Option(help: "Also time novelty checks against this reference set (JSON lines, optionally gzip, one {lattice, species, frac_coords} per line, e.g. MP's 36k structures).")
    var reference: String?
    @Option(help: "Novelty candidates: references picked at random, rattled by 0.05 Å and scaled to 1.1× volume.")
    var candidates = 1000
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        try Timing.validate(repeats: repeats, option: "--repeat")
    }

    /// matcher.json: structure pairs with pymatgen's fits, and a group case with its groups.
    private struct Fixture: Decodable {
        struct Fit: Decodable { var fit: Bool? }
        struct Pair: Decodable {
            var structure_1, structure_2: StructureCoding
            var `default`, cdvae: Fit?
        }
        struct GroupCase: Decodable {
            var structures: [StructureCoding]
            var groups_default, groups_cdvae: [[Int]]?
        }
        var pairs: [Pair]
        var group_case: GroupCase
    }

    func run() throws {
        if !json { Machine.printHeader() }
        let root = try BenchInputs.decode(Fixture.self, from: fixture)
        let pairs = root.pairs, gc = root.group_case
        let pairStructures = try CommandError.naming(fixture) {
            try pairs.map { (try $0.structure_1.structure(), try $0.structure_2.structure()) }
        }
        let group = try CommandError.naming(fixture) { try gc.structures.map { try $0.structure() } }
        let settings: [(String, StructureMatcher)] = [("default", StructureMatcher()), ("cdvae", .cdvae)]

        var rows: [(section: String, n: Int, seconds: Double, cpu: Double, agree: String)] = []
        for (name, matcher) in settings {
            var fits: [Bool] = []
            let fitTime = Timing.best(repeats) { fits = pairStructures.map { matcher.fit($0.0, $0.1) } }
            let expectedFits = pairs.map { (name == "default" ? $0.default : $0.cdvae)?.fit }
            let fitAgree = zip(fits, expectedFits).filter { $0.0 == $0.1 }.count
            rows.append(("fit \(name)", pairs.count, fitTime.wall, fitTime.cpu, "\(fitAgree)/\(pairs.count) as pymatgen"))
            let rmsTime = Timing.best(repeats) { for (a, b) in pairStructures { _ = matcher.rmsDistance(a, b) } }
            rows.append(("rms \(name)", pairs.count, rmsTime.wall, rmsTime.cpu, ""))
            var groups: [[Int]] = []
            let groupTime = Timing.best(repeats) { groups = matcher.group(group) }
            let expected = (name == "default" ? gc.groups_default : gc.groups_cdvae)?.map { $0.sorted() }
            let same = expected.map { Set($0) == Set(groups.map { $0.sorted() }) }
            rows.append(("group \(name)", group.count, groupTime.wall, groupTime.cpu,
                         "\(groups.count) groups" + (same.map { $0 ? ", same as pymatgen" : ", differs from pymatgen" } ?? "")))
        }
        if let reference {
            rows += try noveltyRows(reference)
        }
        if json {
            let out = rows.map { ["section": $0.section, "n": $0.n, "wall_s": $0.seconds, "cpu_s": $0.cpu, "note": $0.agree] as [String: Any] }
            print(try jsonText(["machine": Machine.current.dictionary, "rows": out] as [String: Any]))
        } else {
            print("| section | n | wall s (fastest) | CPU s (mean) | wall ms per item | note |\n|---|---|---|---|---|---|")
            for r in rows {
                print(String(format: "| %@ | %d | %.4f | %.4f | %.4f | %@ |", r.section, r.n, r.seconds, r.cpu,
                             r.seconds * 1000 / Double(r.n), r.agree))
            }
        }
    }

    /// Index build and novelty queries of perturbed copies of references (each should be found).
    func noveltyRows(_ path: String) throws -> [(section: String, n: Int, seconds: Double, cpu: Double, agree: String)] {
        try CommandError.requireExisting(path)
        let references = try CommandError.naming(path) {
            try String(decoding: Gzip.readFile(URL(fileURLWithPath: path)), as: UTF8.self)
                .split(separator: "\n").map { try StructureCoding.decode(String($0)) }
        }
        guard !references.isEmpty else { throw CommandError("\(path): no structures") }
        var rng = SeededGenerator(seed: 7)
        let picks = (0..<candidates).map { _ in Int.random(in: 0..<references.count, using: &rng) }
        let queries = picks.enumerated().map { k, i -> Structure in
            var s = references[i].perturbed(distance: 0.05, seed: UInt64(k))
            s.lattice = Lattice(s.lattice.matrix * pow(1.1, 1.0 / 3.0))
            return s
        }
        var index: StructureIndex?
        let build = Timing.best(1) { index = StructureIndex(references: references, matcher: StructureMatcher()) }
        var novel = 0
        let query = Timing.best(1) { novel = index!.novelty(queries).filter { $0 }.count }
        let compared = queries.reduce(0) { $0 + index!.candidateCount($1) }
        return [("index build (\(references.count) references)", references.count, build.wall, build.cpu, "keys by composition"),
                ("novelty of perturbed references", queries.count, query.wall, query.cpu,
                 "\(novel) reported novel; \(compared) same-composition references compared in all")]
    }
}
