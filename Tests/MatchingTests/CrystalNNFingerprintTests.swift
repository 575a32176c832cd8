import Crystal
import KilnTestSupport
import Matching
import XCTest

/// CrystalNNFingerprint("ops") against matminer's site fingerprints (Tests/Fixtures/crystalnn.json.gz,
/// made by scripts/reference_crystalnn.py on the ordered structures of structures.json).
final class CrystalNNFingerprintTests: XCTestCase {
    func testLabelsFollowMatminer() {
        let labels = CrystalNNFingerprint.labels
        XCTAssertEqual(labels.count, 61)
        XCTAssertEqual(Array(labels.prefix(3)), ["wt CN_1", "sgl_bd CN_1", "wt CN_2"])
        XCTAssert(labels.contains("octahedral CN_6"))
        XCTAssertEqual(labels.last, "wt CN_24")
    }

    func testSiteFingerprintsMatchMatminer() throws {
        let structures = try Fixtures.json("structures") as! [String: Any]
        var byId: [String: Any] = [:]
        for row in structures["structures"] as! [[String: Any]] { byId[row["id"] as! String] = row["structure"] }
        let root = try Fixtures.json("crystalnn") as! [String: Any]
        var failures: [String] = [], reordered: [String] = [], sites = 0, structuresCompared = 0
        for c in root["cases"] as! [[String: Any]] {
            let id = c["id"] as! String
            let s = try Fixtures.structure(byId[id]!)
            guard let expected = c["sites"] as? [[String: Any]] else {
                if (try? CrystalNNFingerprint().siteFingerprints(s)) != nil { failures.append("\(id): matminer raised, Kiln did not") }
                continue
            }
            let envs: [CrystalNN.Environment]
            do { envs = try CrystalNN().environments(s) } catch { failures.append("\(id): \(error)"); continue }
            structuresCompared += 1
            for (i, (env, e)) in zip(envs, expected.map { $0["fingerprint"] as! [Double] }).enumerated() {
                sites += 1
                let g = CrystalNNFingerprint.fingerprint(env)
                let bad = zip(CrystalNNFingerprint.labels, zip(g, e)).filter { label, v in
                    // 1e-6: angles near 0° or 180° turn 1e-16 coordinate noise into 1e-8.
                    abs(v.0 - v.1) > 1e-6 && !(label == "body-centered cubic CN_8" && Self.reachableByReordering(v.1, env))
                }
                if !bad.isEmpty { failures.append("\(id) site \(i): " + bad.prefix(4).map { "\($0.0) \($0.1.0) vs \($0.1.1)" }.joined(separator: ", ")) }
                if abs(g[Self.bccIndex] - e[Self.bccIndex]) > 1e-6 { reordered.append("\(id) site \(i)") }
            }
        }
        XCTAssertGreaterThan(structuresCompared, 200)
        XCTAssert(failures.isEmpty, "\(failures.count) differences over \(sites) sites:\n" + failures.prefix(20).joined(separator: "\n"))
        // Documented in docs/metrics.md: expect few such sites, all in cells with symmetry-equivalent neighbours.
        XCTAssertLessThan(reordered.count, sites / 50, reordered.joined(separator: ", "))
        print("bcc CN_8 differs by neighbour order or rounding noise only, on \(reordered.count) of \(sites) sites: \(reordered.joined(separator: ", "))")
    }

    static let bccIndex = CrystalNNFingerprint.labels.firstIndex(of: "body-centered cubic CN_8")!

    /// pymatgen's bcc parameter sums over neighbour pairs j < k only, so it depends on the order of
    /// the neighbours (pymatgen orders equally weighted ones by qhull's ridge order and rounding
    /// noise), and it takes the sign of cos θ for each pair, which is arbitrary for the exactly
    /// perpendicular bonds of cubic cells (rounding noise again). True when some order of the
    /// equal-weight neighbours, with the bonds moved by 1e-10 Å, gives `value`.
    static func reachableByReordering(_ value: Double, _ env: CrystalNN.Environment) -> Bool {
        let wt = env.coordinationWeights[8] ?? 0
        guard wt > 0 else { return false }
        let bcc = try! MotifOrderParameter(coordination: 8, motif: "body-centered cubic")
        let neighbors = Array(env.neighbors(coordination: 8))
        let groups = Dictionary(grouping: neighbors.indices, by: { neighbors[$0].weight }).values.map { $0 }
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<3000 {
            var order = Array(neighbors.indices)
            for g in groups where g.count > 1 {
                let shuffled = g.shuffled(using: &rng)
                for (slot, k) in zip(g, shuffled) { order[slot] = k }
            }
            let noisy = order.map { neighbors[$0].vector + Vec3(Double.random(in: -1...1, using: &rng),
                                                               Double.random(in: -1...1, using: &rng),
                                                               Double.random(in: -1...1, using: &rng)) * 1e-10 }
            if abs(wt * (bcc.value(center: .zero, neighbors: noisy) ?? 0) - value) < 1e-6 { return true }
        }
        return false
    }

    func testStructureFingerprintIsTheSiteMean() throws {
        let a = 3.9
        let perovskite = Structure(lattice: Lattice([[a, 0, 0], [0, a, 0], [0, 0, a]]),
                                   species: try ["Sr", "Ti", "O", "O", "O"].map { try Element($0) },
                                   fracCoords: [Vec3(0.5, 0.5, 0.5), .zero, Vec3(0.5, 0, 0), Vec3(0, 0.5, 0), Vec3(0, 0, 0.5)])
        let fp = CrystalNNFingerprint()
        let sites = try fp.siteFingerprints(perovskite)
        let mean = try fp.structureFingerprint(perovskite)
        for k in mean.indices { XCTAssertEqual(mean[k], sites.map { $0[k] }.reduce(0, +) / 5, accuracy: 1e-12) }
        // Ti sits in a perfect octahedron of oxygen.
        let oct = CrystalNNFingerprint.labels.firstIndex(of: "octahedral CN_6")!
        XCTAssertEqual(sites[1][oct], 1, accuracy: 1e-6)
    }
}
