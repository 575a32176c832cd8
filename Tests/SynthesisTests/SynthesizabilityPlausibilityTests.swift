import Analysis
import Crystal
import KilnTestSupport
import XCTest
@testable import Synthesis

/// Oxidation-state plausibility of compositions and bond-valence plausibility of real structures
/// (Tests/Fixtures/bond_valence.json.gz: public structures with pymatgen BVAnalyzer's answers).
final class SynthesizabilityPlausibilityTests: XCTestCase {
    func testOxidationPlausibilityOfSimpleCompositions() throws {
        let nacl = OxidationPlausibility(try Composition("NaCl"))
        XCTAssertTrue(nacl.chargeBalanced)
        XCTAssertEqual(nacl.assignment?.oxidationStates, [1, -1])
        // Na has one ICSD-24 state and Cl⁻ dominates chlorine's counts.
        XCTAssertGreaterThan(nacl.neutralProbability, 0.9)

        let licoo2 = OxidationPlausibility(try Composition("LiCoO2"))
        XCTAssertTrue(licoo2.chargeBalanced)
        XCTAssertEqual(licoo2.assignment.map { Dictionary(uniqueKeysWithValues: zip($0.elements.map(\.symbol), $0.oxidationStates)) },
                       ["Li": 1, "Co": 3, "O": -2])
        XCTAssertLessThanOrEqual(licoo2.assignmentProbability, licoo2.neutralProbability)
        XCTAssertLessThan(licoo2.neutralProbability, nacl.neutralProbability)

        for formula in ["NaCl9", "Li7Xe3", "NaO9"] {
            let p = OxidationPlausibility(try Composition(formula))
            XCTAssertFalse(p.chargeBalanced, formula)
            XCTAssertNil(p.assignment, formula)
            XCTAssertEqual(p.neutralProbability, 0, formula)
        }
        // An alloy passes SMACT's test but has no ionic assignment.
        let alloy = OxidationPlausibility(try Composition("Cu3Au"))
        XCTAssertTrue(alloy.chargeBalanced)
        XCTAssertNil(alloy.assignment)
    }

    func testFrequenciesAreNormalisedPerElement() throws {
        for symbol in ["Co", "Fe", "Mn", "O", "Cl", "U"] {
            let e = try Element(symbol)
            let total = OxidationStateSet.icsd24.states(e).reduce(0.0) { $0 + OxidationPlausibility.frequency($1, of: e) }
            XCTAssertEqual(total, 1, accuracy: 1e-12, symbol)
        }
        XCTAssertEqual(OxidationPlausibility.frequency(5, of: try Element("Na")), 0)
    }

    /// Every fixture structure pymatgen assigns states to is plausible, and none squeezed to 80 % of
    /// its lattice lengths (half its volume) is. The sums are pymatgen's `calculate_bv_sum`
    /// (checked by hand against pymatgen 2026.10.24 on corundum, Li2O and CsCl: 4.74, 0.73, ±0.44).
    func testBondValenceOfRealStructures() throws {
        let cases = try Fixtures.json("bond_valence") as! [[String: Any]]
        var failures: [String] = []
        var checked = 0
        for c in cases {
            guard let expected = c["valences"] as? [Int] else { continue }
            let id = c["id"] as! String
            let s = try Fixtures.structure(c["structure"]!)
            let bv = try BondValencePlausibility(s)
            checked += 1
            if bv.oxidationStates != expected { failures.append("\(id): states \(bv.oxidationStates), pymatgen \(expected)") }
            // No cation carries a negative sum, no anion a positive one (a site without neighbours in reach has 0).
            if zip(bv.sums, bv.oxidationStates).contains(where: { $0.0 * Double($0.1) < 0 }) { failures.append("\(id): sums \(bv.sums)") }
            if !bv.isPlausible { failures.append("\(id): deviation index \(bv.deviationIndex)") }
            // Squeezed, the analysis either refuses the structure (no neutral assignment fits) or flags it.
            let squeezed = try? BondValencePlausibility(Structure(lattice: Lattice(s.lattice.matrix * 0.8), sites: s.sites))
            if let squeezed, squeezed.isPlausible { failures.append("\(id) squeezed: deviation index \(squeezed.deviationIndex)") }
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
        XCTAssertGreaterThanOrEqual(checked, 20)
    }

    func testBondValenceRefusalsAreClear() throws {
        let cases = Dictionary(uniqueKeysWithValues: (try Fixtures.json("bond_valence") as! [[String: Any]]).map { ($0["id"] as! String, $0) })
        let he = try Fixtures.structure(cases["He_BCC.json"]!["structure"]!)
        XCTAssertThrowsError(try BondValencePlausibility(he)) { XCTAssertEqual($0 as? BondValenceError, .missingParameters(["He"])) }
        let si = try Fixtures.structure(cases["Si.json"]!["structure"]!)
        XCTAssertThrowsError(try BondValencePlausibility(si)) { XCTAssertTrue("\($0)".contains("cannot be assigned"), "\($0)") }
    }
}
