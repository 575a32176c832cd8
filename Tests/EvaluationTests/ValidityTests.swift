import Crystal
import Foundation
import Evaluation
import Generation
import KilnSupport
import XCTest

final class ValidityTests: XCTestCase {
    func testStructuralValidity() {
        XCTAssertTrue(Validity.isStructurallyValid(Build.rocksalt()))
        var close = Build.cesiumChloride()
        close.sites[1].frac = Vec3(0.05, 0, 0)  // 0.21 Å from Cs
        XCTAssertFalse(Validity.isStructurallyValid(close))
        let tiny = Build.cesiumChloride(edge: 0.4)  // 0.064 Å³ and 0.35 Å apart
        XCTAssertFalse(Validity.isStructurallyValid(tiny))
        // A site's own periodic images are not compared (CDVAE pads the diagonal): one atom in a 0.4 Å cell passes the distance test.
        let single = Structure(lattice: Lattice([[0.4, 0, 0], [0, 2, 0], [0, 0, 2]]), species: [try! Element("Fe")], fracCoords: [Vec3(0, 0, 0)])
        XCTAssertTrue(Validity.isStructurallyValid(single))
    }

    func testCompositionalValidity() throws {
        let cases: [(String, Bool)] = [
            ("NaCl", true), ("NaCl2", false), ("Fe2O3", true), ("Fe", true), ("FeNi3", true),  // alloy
            ("SrTiO3", true), ("Cl2O7", true),
        ]
        var failures: [String] = []
        for (f, expected) in cases where Validity.isCompositionallyValid(try Composition(f)) != expected {
            failures.append(f)
        }
        XCTAssertEqual(failures, [], "compositional validity differs from the expected answer")
    }

    func testPaulingTestWithMissingElectronegativity() {
        // Cation more electronegative than anion fails; a missing value reached first passes (CDVAE's TypeError rule).
        XCTAssertFalse(Validity.cdvaePaulingTest([1, -1], [3.0, 1.0]))
        XCTAssertTrue(Validity.cdvaePaulingTest([1, -1], [1.0, 3.0]))
        XCTAssertTrue(Validity.cdvaePaulingTest([1, -1], [nil, 3.0]))
        XCTAssertFalse(Validity.cdvaePaulingTest([1, -1, 1], [3.0, 1.0, nil]))
    }
}

final class SMACTAgreementTests: XCTestCase {
    /// CDVAE's smact_validity with SMACT's default (smact14) states equals SMACT 4.0.2's
    /// `smact_validity(…, oxidation_states_set="smact14")` on 2,495 MP formulas (fixture copied
    /// from GenerationTests, made by scripts/make_smact_fixture.py), except where an element has no
    /// Pauling electronegativity: CDVAE (with the SMACT of its time) passes the Pauling test there,
    /// SMACT 4 fails it.
    func testAgreesWithSMACT14() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Data/smact_validity.json.gz")
        let fixture = try XCTUnwrap(JSONSerialization.jsonObject(with: try Gzip.readFile(url)) as? [String: Any])
        let rows = try XCTUnwrap(fixture["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 2495)
        var failures: [String] = [], explained: [String] = []
        for row in rows {
            let formula = try XCTUnwrap(row["formula"] as? String)
            let expected = try XCTUnwrap(row["smact14"] as? Bool)
            let composition = try Composition(formula)
            let lacksElectronegativity = composition.elements.contains { ChargeBalance.electronegativity($0) == nil }
            let got = Validity.isCompositionallyValid(composition)
            if got != expected && !(lacksElectronegativity && got && !expected) { failures.append("\(formula) (SMACT: \(expected))") }
            if got != expected { explained.append(formula) }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) disagreements: \(failures.prefix(20))")
        XCTAssertEqual(explained, ["PmTlRh2"], "formulas where the missing-electronegativity rule decides")
    }
}
