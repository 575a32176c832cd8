import Crystal
import Foundation
import Potentials
import XCTest

/// A batch with a committee records each model's E_hull of the final structure, the spread over
/// them and the relaxing model's, and the model that relaxed it; without one, none of that.
final class BatchCommitteeTests: XCTestCase {
    func testCommitteeEHullsAndSpreadAreRecordedWithTheModel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-batch-committee-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        var batch = BatchRelaxerTests.batch(dir, calculator: LennardJones())
        batch.model = "lj (Lennard-Jones)"
        // One member 0.2 eV/atom above the relaxing model's E_hull, one that cannot place the structure.
        batch.committee = { s in
            let e = try? LennardJones().calculate(s, properties: .energy).energy / Double(s.count) + 3
            return ["above": e.map { $0 + 0.2 }, "unplaced": nil]
        }
        let records = try batch.run(BatchRelaxerTests.items())
        let relaxed = records.filter { $0.energyAboveHull != nil }
        XCTAssertFalse(relaxed.isEmpty)
        for r in records { XCTAssertEqual(r.model, "lj (Lennard-Jones)", r.id) }
        for r in relaxed {
            let c = try XCTUnwrap(r.committee, r.id)
            XCTAssertEqual(Set(c.keys), ["above"], "a model without an E_hull is left out")
            XCTAssertEqual(c["above"]!, r.energyAboveHull! + 0.2, accuracy: 1e-9)
            XCTAssertEqual(r.energyAboveHullSpread!, 0.2, accuracy: 1e-9)
        }
        let csv = try String(contentsOf: dir.appendingPathComponent("summary.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(csv[0].hasSuffix("model,e_above_hull_spread,committee_e_above_hull"), String(csv[0]))
        let row = try XCTUnwrap(csv.first { $0.hasPrefix(relaxed[0].id + ",") })
        XCTAssertTrue(row.hasSuffix(String(format: ",0.200000,above %.6f", relaxed[0].committee!["above"]!)), String(row))

        let plain = dir.appendingPathComponent("plain")
        for r in try BatchRelaxerTests.batch(plain, calculator: LennardJones()).run(BatchRelaxerTests.items()) {
            XCTAssertNil(r.model)
            XCTAssertNil(r.committee)
            XCTAssertNil(r.energyAboveHullSpread)
        }
    }
}
