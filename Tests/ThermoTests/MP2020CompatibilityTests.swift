import Crystal
import Thermo
import XCTest

/// MP2020 corrections against pymatgen's `MaterialsProject2020Compatibility(check_potcar=False)
/// .process_entry(ComputedEntry(formula, -10, parameters={run_type, hubbards}))` with MP's U values
/// for O/F compounds of V, Cr, Mn, Fe, Co, Ni, Mo, W (values printed by pymatgen 2026.10.24).
final class MP2020CompatibilityTests: XCTestCase {
    static let pymatgen: [(String, Double)] = [
        ("LiFeO2", -3.63), ("Fe2O3", -6.5729999999999995), ("Li2O2", -0.93), ("NaO2", -0.322), ("KO3", 0.0),
        ("MgO", -0.687), ("LiFePO4", -5.004), ("FeS2", -1.006), ("ZnS", -0.503), ("NaCl", -0.614),
        ("GaN", -0.361), ("Mg2Si", 0.071), ("LiH", -0.179), ("CoF3", -3.024), ("MnO2", -3.042),
        ("NiO", -3.2279999999999998), ("Li3N", -0.361), ("CaF2", -0.924), ("SiO2", -1.374), ("Fe", 0.0),
        ("LiFeS2", -1.006), ("MoO3", -5.263), ("WO3", -6.499), ("VCl3", -1.842), ("ZnSe", -0.472),
        ("Sb2Te3", -1.266), ("BaTiO3", -2.061), ("Cr2O3", -6.059), ("LiCoO2", -3.012),
    ]

    func testCorrectionsMatchPymatgen() throws {
        let compat = try MP2020Compatibility.bundled()
        var failures: [String] = []
        for (f, want) in Self.pymatgen {
            let got = compat.correction(for: try Composition(f))
            if abs(got - want) > 1e-9 { failures.append("\(f): \(got) vs \(want)") }
        }
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
    }

    func testOxidationStatesSelectAnions() throws {
        // pymatgen guesses N-3 H+1 Cl-1 for NH4Cl and corrects N and Cl (-0.975 eV).
        let compat = try MP2020Compatibility.bundled()
        let c = try Composition("NH4Cl")
        XCTAssertEqual(compat.correction(for: c), -0.614, accuracy: 1e-12)
        let ox = [try Element("N"): -3.0, try Element("H"): 1.0, try Element("Cl"): -1.0]
        XCTAssertEqual(compat.correction(for: c, oxidationStates: ox), -0.975, accuracy: 1e-12)
    }

    func testElementalReferencesGiveFormationEnergy() throws {
        let refs = try MPElementalReferences.bundled()
        let o = try Element("O"), li = try Element("Li")
        XCTAssertEqual(refs.energyPerAtom.count, 89)
        let e = 2 * refs.energyPerAtom[li]! + refs.energyPerAtom[o]! - 3 * 2.0
        XCTAssertEqual(try refs.formationEnergyPerAtom(of: Composition("Li2O"), energy: e), -2.0, accuracy: 1e-12)
        XCTAssertThrowsError(try refs.formationEnergyPerAtom(of: Composition("Og2O"), energy: 0))
    }
}
