import ArgumentParser
import Crystal
import CrystalIO
import Foundation
import KilnSupport
import Matching

/// `kiln bench match`: times StructureMatcher on matcher.json the way Benchmarks/match_python.py
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

    func run() throws {
        guard repeats >= 1 else { throw ValidationError("--repeat must be at least 1") }
        let url = URL(fileURLWithPath: fixture)
        guard let root = try? JSONSerialization.jsonObject(with: Gzip.readFile(url)) as? [String: Any],
              let pairs = root["pairs"] as? [[String: Any]], let gc = root["group_case"] as? [String: Any],
              let groupDicts = gc["structures"] as? [[String: Any]]
        else { throw ValidationError("\(fixture): not a matcher fixture (needs pairs and group_case)") }
        let pairStructures = try pairs.map { (try Self.structure($0["structure_1"]), try Self.structure($0["structure_2"])) }
        let group = try groupDicts.map(Self.structure)
        let settings: [(String, StructureMatcher)] = [("default", StructureMatcher()), ("cdvae", .cdvae)]

        var rows: [(section: String, n: Int, seconds: Double, cpu: Double, agree: String)] = []
        for (name, matcher) in settings {
            var fits: [Bool] = []
            let fitTime = Self.timeWithCPU(repeats) { fits = pairStructures.map { matcher.fit($0.0, $0.1) } }
            let expectedFits = pairs.map { ($0[name] as? [String: Any])?["fit"] as? Bool }
            let fitAgree = zip(fits, expectedFits).filter { $0.0 == $0.1 }.count
            rows.append(("fit \(name)", pairs.count, fitTime.wall, fitTime.cpu, "\(fitAgree)/\(pairs.count) as pymatgen"))
            let rmsTime = Self.timeWithCPU(repeats) { for (a, b) in pairStructures { _ = matcher.rmsDistance(a, b) } }
            rows.append(("rms \(name)", pairs.count, rmsTime.wall, rmsTime.cpu, ""))
            var groups: [[Int]] = []
            let groupTime = Self.timeWithCPU(repeats) { groups = matcher.group(group) }
            let expected = (gc["groups_\(name)"] as? [[Int]])?.map { $0.sorted() }
            let same = expected.map { Set($0) == Set(groups.map { $0.sorted() }) }
            rows.append(("group \(name)", group.count, groupTime.wall, groupTime.cpu,
                         "\(groups.count) groups" + (same.map { $0 ? ", same as pymatgen" : ", differs from pymatgen" } ?? "")))
        }
        if let reference {
            rows += try noveltyRows(reference)
        }
        if json {
            let out = rows.map { ["section": $0.section, "n": $0.n, "wall_s": $0.seconds, "cpu_s": $0.cpu, "note": $0.agree] as [String: Any] }
            let data = try JSONSerialization.data(withJSONObject: out, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
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
        let text = String(decoding: try Gzip.readFile(URL(fileURLWithPath: path)), as: UTF8.self)
        let references = try text.split(separator: "\n").map { line -> Structure in
            guard let d = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ValidationError("\(path): a line is not a JSON object")
            }
            return try Self.structure(d)
        }
        var rng = SeededGenerator(seed: 7)
        let picks = (0..<candidates).map { _ in Int.random(in: 0..<references.count, using: &rng) }
        let queries = picks.enumerated().map { k, i -> Structure in
            var s = references[i].perturbed(distance: 0.05, seed: UInt64(k))
            s.lattice = Lattice(s.lattice.matrix * pow(1.1, 1.0 / 3.0))
            return s
        }
        var index: StructureIndex?
        let build = Self.timeWithCPU(1) { index = StructureIndex(references: references, matcher: StructureMatcher()) }
        var novel = 0
        let query = Self.timeWithCPU(1) { novel = index!.novelty(queries).filter { $0 }.count }
        let compared = queries.reduce(0) { $0 + index!.candidateCount($1) }
        return [("index build (\(references.count) references)", references.count, build.wall, build.cpu, "keys by composition"),
                ("novelty of perturbed references", queries.count, query.wall, query.cpu,
                 "\(novel) reported novel; \(compared) same-composition references compared in all")]
    }

    /// Fastest wall time of `repeats` runs and their mean process CPU time, in seconds.
    static func timeWithCPU(_ repeats: Int, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        var best = Double.infinity
        let cpuStart = cpuSeconds()
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return (best, (cpuSeconds() - cpuStart) / Double(repeats))
    }

    /// Process CPU seconds so far (robust to other jobs sharing the cores).
    static func cpuSeconds() -> Double { Double(clock()) / Double(CLOCKS_PER_SEC) }

    static func structure(_ any: Any?) throws -> Structure {
        guard let d = any as? [String: Any], let lat = d["lattice"] as? [[Double]], let sp = d["species"] as? [String],
              let fc = d["frac_coords"] as? [[Double]], lat.count == 3, sp.count == fc.count
        else { throw ValidationError("malformed structure in the matcher fixture") }
        return Structure(lattice: Lattice(lat), species: try sp.map { try Element($0) },
                         fracCoords: fc.map { Vec3($0[0], $0[1], $0[2]) })
    }
}
