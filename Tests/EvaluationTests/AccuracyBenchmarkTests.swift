import Foundation
import Learning
import ReferenceData
import XCTest
@testable import Evaluation

final class AccuracyBenchmarkTests: XCTestCase {
    /// The sample is a prefix of the SHA-256 order of the ids of bundled MP structures of ≤ 20 sites
    /// (so a smaller sample is a prefix of a larger one).
    func testSampleIsFixedAndSmall() throws {
        let mp = try ReferenceStructures.mp()
        let large = try AccuracyBenchmark.sample(size: 200)
        XCTAssertEqual(Set(large).count, 200)
        XCTAssertTrue(large.allSatisfy { mp.siteCount(at: $0) <= AccuracyBenchmark.maxSites })
        let hashes = large.map { SHA256.hex(mp.id(at: $0)) }
        XCTAssertEqual(hashes, hashes.sorted())
        // Nothing of ≤ 20 sites sorts before the first pick.
        let first = hashes[0]
        XCTAssertFalse(mp.indices.contains { mp.siteCount(at: $0) <= 20 && SHA256.hex(mp.id(at: $0)) < first })
        for bad in [0, 1_000_000] {
            XCTAssertThrowsError(try AccuracyBenchmark.sample(size: bad)) { XCTAssertTrue("\($0)".contains("--sample"), "\($0)") }
        }
        let systems = try AccuracyBenchmark.systems(Array(large.prefix(20)))
        XCTAssertEqual(Set(systems).count, systems.count)
        XCTAssertTrue(systems.allSatisfy { $0 == $0.sorted { $0.z < $1.z } })
    }

    private func row(_ id: String, mp: Double, eHull: Double, predictedMP: Double?, predictedMLIP: Double?,
                     formation: Double = -1, predictedFormation: Double = -1.1) -> AccuracyBenchmark.Row {
        AccuracyBenchmark.Row(id: id, formula: "X", sites: 2, mpFormationEnergy: formation, mpEnergyAboveHull: eHull,
                              outcome: "converged", formationEnergyMP: predictedFormation, formationEnergyMLIP: predictedFormation + 0.1,
                              energyAboveHullMP: predictedMP, energyAboveHullMLIP: predictedMLIP, energyAboveHullOracle: mp)
    }

    /// Hand-made rows: MAE and the confusion at both thresholds; a row with a missing value is not scored.
    func testReportArithmetic() throws {
        var rows = [
            row("a", mp: -0.01, eHull: 0, predictedMP: -0.02, predictedMLIP: 0.03),   // stable; mp TP, mlip FN at 0
            row("b", mp: 0.05, eHull: 0.05, predictedMP: -0.01, predictedMLIP: 0.2),  // unstable at 0, stable at 0.1
            row("c", mp: 0.3, eHull: 0.3, predictedMP: 0.25, predictedMLIP: 0.05),    // unstable at both
            row("d", mp: 0, eHull: 0, predictedMP: nil, predictedMLIP: -0.1),         // not scored
        ]
        rows[2].borrowsElementalReference = true
        let r = AccuracyBenchmark.report(model: "m", settings: "s", rows: rows, referenceStructures: 9, coverage: "c")
        XCTAssertEqual(r.evaluated, 3)
        XCTAssertEqual(r.sampleSize, 4)
        XCTAssertEqual(try XCTUnwrap(r.formationMAEMP), 0.1, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(r.formationMAEMLIP), 0, accuracy: 1e-12)
        func counts(_ reference: String, _ t: Double) throws -> [Int] {
            let c = try XCTUnwrap(r.classifications.first { $0.reference == reference && $0.threshold == t }).counts
            return [c.truePositives, c.falsePositives, c.falseNegatives, c.trueNegatives]
        }
        XCTAssertEqual(try counts("mp", 0), [1, 1, 0, 1])
        XCTAssertEqual(try counts("mlip", 0), [0, 0, 1, 2])
        XCTAssertEqual(try counts("mp", 0.1), [2, 0, 0, 1])
        XCTAssertEqual(try counts("mlip", 0.1), [1, 1, 1, 0])
        XCTAssertEqual(try counts("oracle", 0), [1, 0, 0, 2])
        XCTAssertEqual(try counts("mlip-own", 0.1), [1, 0, 1, 0], "c borrows an elemental reference")
        XCTAssertEqual(r.evaluatedOwnElements, 2)
        let mp0 = try XCTUnwrap(r.classifications.first { $0.reference == "mp" && $0.threshold == 0 })
        XCTAssertEqual(mp0.f1, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(mp0.precision, 0.5, accuracy: 1e-12)
        XCTAssertEqual(mp0.recall, 1, accuracy: 1e-12)
        // Nothing scored: no MAE (JSON has no NaN).
        let none = AccuracyBenchmark.report(model: "m", settings: "s", rows: [rows[3]], referenceStructures: 0, coverage: "")
        XCTAssertNil(none.formationMAEMP)
        XCTAssertNoThrow(try JSONEncoder().encode(none))
    }

    /// The JSON report (`kiln benchmark accuracy --json`): its keys and one classification per
    /// reference and threshold.
    func testJSONShape() throws {
        let r = AccuracyBenchmark.report(model: "chgnet", settings: "s", rows: [row("a", mp: 0, eHull: 0, predictedMP: 0, predictedMLIP: 0)],
                                         referenceStructures: 1, coverage: "c")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["model", "settings", "sampleSize", "maxSites", "referenceStructures", "coverage", "evaluated",
                                          "formationMAEMP", "formationMAEMLIP", "borrowedElementalReferences", "evaluatedOwnElements",
                                          "classifications", "rows"])
        let classes = try XCTUnwrap(object["classifications"] as? [[String: Any]])
        XCTAssertEqual(classes.count, 4 * AccuracyBenchmark.thresholds.count)
        XCTAssertEqual(Set(classes[0].keys), ["reference", "threshold", "counts", "precision", "recall", "f1", "accuracy"])
        let rows = try XCTUnwrap(object["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.first?["id"] as? String, "a")
    }
}
