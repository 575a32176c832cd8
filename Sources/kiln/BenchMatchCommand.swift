import ArgumentParser
import Crystal
import CrystalIO
import Foundation
import Matching

/// `kiln bench-match`: times StructureMatcher on matcher.json the way Benchmarks/match_python.py
/// times pymatgen (fit and rms on every pair, group_structures on the group case, both settings).
struct BenchMatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Benchmark structure matching on the matcher fixture (compare with Benchmarks/match_python.py).")

    @Option(help: "matcher.json or matcher.json.gz.") var fixture = "Tests/Fixtures/matcher.json.gz"
    @Option(name: .customLong("repeat"), help: "Repetitions; the fastest is reported.") var repeats = 3
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

        var rows: [(section: String, n: Int, seconds: Double, agree: String)] = []
        for (name, matcher) in settings {
            var fits: [Bool] = []
            let fitTime = Self.time(repeats) { fits = pairStructures.map { matcher.fit($0.0, $0.1) } }
            let expectedFits = pairs.map { ($0[name] as? [String: Any])?["fit"] as? Bool }
            let fitAgree = zip(fits, expectedFits).filter { $0.0 == $0.1 }.count
            rows.append(("fit \(name)", pairs.count, fitTime, "\(fitAgree)/\(pairs.count) as pymatgen"))
            let rmsTime = Self.time(repeats) { for (a, b) in pairStructures { _ = matcher.rmsDistance(a, b) } }
            rows.append(("rms \(name)", pairs.count, rmsTime, ""))
            var groups: [[Int]] = []
            let groupTime = Self.time(repeats) { groups = matcher.group(group) }
            let expected = (gc["groups_\(name)"] as? [[Int]])?.map { $0.sorted() }
            let same = expected.map { Set($0) == Set(groups.map { $0.sorted() }) }
            rows.append(("group \(name)", group.count, groupTime,
                         "\(groups.count) groups" + (same.map { $0 ? ", same as pymatgen" : ", differs from pymatgen" } ?? "")))
        }
        if json {
            let out = rows.map { ["section": $0.section, "n": $0.n, "seconds": $0.seconds, "note": $0.agree] as [String: Any] }
            let data = try JSONSerialization.data(withJSONObject: out, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("| section | n | wall s | ms per item | note |\n|---|---|---|---|---|")
            for r in rows {
                print(String(format: "| %@ | %d | %.4f | %.4f | %@ |", r.section, r.n, r.seconds, r.seconds * 1000 / Double(r.n), r.agree))
            }
        }
    }

    static func time(_ repeats: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    static func structure(_ any: Any?) throws -> Structure {
        guard let d = any as? [String: Any], let lat = d["lattice"] as? [[Double]], let sp = d["species"] as? [String],
              let fc = d["frac_coords"] as? [[Double]], lat.count == 3, sp.count == fc.count
        else { throw ValidationError("malformed structure in the matcher fixture") }
        return Structure(lattice: Lattice(lat), species: try sp.map { try Element($0) },
                         fracCoords: fc.map { Vec3($0[0], $0[1], $0[2]) })
    }
}
