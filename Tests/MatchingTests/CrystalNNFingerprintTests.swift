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
        var failures: [String] = [], sites = 0, structuresCompared = 0
        for c in root["cases"] as! [[String: Any]] {
            let id = c["id"] as! String
            let s = try Fixtures.structure(byId[id]!)
            guard let expected = c["sites"] as? [[String: Any]] else {
                if (try? CrystalNNFingerprint().siteFingerprints(s)) != nil { failures.append("\(id): matminer raised, Kiln did not") }
                continue
            }
            let got: [[Double]]
            do { got = try CrystalNNFingerprint().siteFingerprints(s) } catch { failures.append("\(id): \(error)"); continue }
            structuresCompared += 1
            for (i, (g, e)) in zip(got, expected.map { $0["fingerprint"] as! [Double] }).enumerated() {
                sites += 1
                let bad = zip(CrystalNNFingerprint.labels, zip(g, e)).filter { abs($1.0 - $1.1) > 1e-9 }
                if !bad.isEmpty { failures.append("\(id) site \(i): " + bad.prefix(4).map { "\($0.0) \($0.1.0) vs \($0.1.1)" }.joined(separator: ", ")) }
            }
        }
        XCTAssertGreaterThan(structuresCompared, 200)
        XCTAssert(failures.isEmpty, "\(failures.count) differences over \(sites) sites:\n" + failures.prefix(20).joined(separator: "\n"))
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
