import Crystal
import Foundation
import Generation
import KilnSupport
import XCTest

final class ChargeBalanceTests: XCTestCase {
    /// SMACT 4.0.2 `smact_validity` on 2,495 MP formulas, for both oxidation-state sets.
    func testMatchesSMACTValidity() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Data/smact_validity.json.gz")
        let fixture = try XCTUnwrap(JSONSerialization.jsonObject(with: try Gzip.readFile(url)) as? [String: Any])
        let rows = try XCTUnwrap(fixture["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 2495)
        for set in [OxidationStateSet.icsd24, .smact14] {
            var failures: [String] = []
            for row in rows {
                let formula = try XCTUnwrap(row["formula"] as? String)
                let expected = try XCTUnwrap(row[set.rawValue] as? Bool)
                if ChargeBalance.isNeutral(try Composition(formula), states: set) != expected {
                    failures.append("\(formula) (SMACT: \(expected))")
                }
            }
            XCTAssert(failures.isEmpty, "\(set): \(failures.count) disagreements: \(failures.prefix(20))")
        }
    }

    func testAssignments() throws {
        // ICSD24 lists: Co −1…+4, O −2/−1, so LiCoO2 is Li+ Co+ O- or Li+ Co3+ O2-, in list order.
        let lco = ChargeBalance.assignments(try Composition("LiCoO2"))
        XCTAssertEqual(lco.map(\.oxidationStates), [[1, 1, -1], [1, 3, -2]])
        XCTAssertEqual(lco.last?.description, "Li+ Co3+ O2-")
        XCTAssertEqual(ChargeBalance.assignments(try Composition("LiCoO2"), states: .smact14).count, 2)
        // Multiples of a formula behave like the reduced formula.
        XCTAssertEqual(ChargeBalance.assignments(try Composition("Li4Mn2O6")).map(\.oxidationStates),
                       [[1, 1, -1], [1, 4, -2]])
        // Mixed valence (Fe3O4, LiMn2O4) has no single-state assignment, as in SMACT.
        XCTAssertFalse(ChargeBalance.isNeutral(try Composition("Fe3O4")))
        XCTAssertFalse(ChargeBalance.isNeutral(try Composition("LiMn2O4")))
        XCTAssertFalse(ChargeBalance.isNeutral(try Composition("NaCl3")))
        // Alloys pass unless disabled; non-integer amounts never balance.
        XCTAssertTrue(ChargeBalance.isNeutral(try Composition("AlNi")))
        XCTAssertFalse(ChargeBalance.isNeutral(try Composition("AlNi"), alloysAreValid: false))
        XCTAssertTrue(ChargeBalance.assignments(try Composition("Li0.5CoO2")).isEmpty)
        // The Pauling test rejects an anion less electronegative than a cation (Na- with Cl+).
        let all = ChargeBalance.assignments(try Composition("NaCl"), states: .smact14, paulingTest: false)
        let ordered = ChargeBalance.assignments(try Composition("NaCl"), states: .smact14)
        XCTAssertTrue(all.contains { $0.oxidationStates == [-1, 1] })
        XCTAssertFalse(ordered.contains { $0.oxidationStates == [-1, 1] })
        XCTAssertEqual(ordered.map(\.oxidationStates), [[1, -1]])
    }
}
