import Crystal
import XCTest
@testable import Synthesis

/// Shelf stability (docs/synthesis.md, "Shelf stability"): the reagents chemists keep in jars lie on
/// the dry-air hull and the ones air changes lie above it; the hand-written air-sensitive marks agree;
/// one energy by hand. scripts/check_shelf_stability.py compares all 132 with pymatgen's
/// GrandPotentialPhaseDiagram (largest difference 0.0000 eV per cation).
final class ShelfStabilityTests: XCTestCase {
    private static let list = try! PrecursorList.bundled()
    private static let energies = try! ShelfStability.energies(of: list)

    func testReagentsOnTheShelfAndWhatAirChanges() throws {
        // Standard solid-state reagents, stored in air for years.
        for f in ["Li2CO3", "Na2CO3", "K2CO3", "CaCO3", "SrCO3", "BaCO3", "TiO2", "ZrO2", "SiO2", "Al2O3", "Fe2O3",
                  "Co3O4", "MnO2", "ZnO", "Nb2O5", "Y2O3", "CuO", "LiNO3", "Ba(NO3)2"] {
            XCTAssertLessThanOrEqual(try XCTUnwrap(Self.energies[f], f), ShelfStability.tolerance, f)
        }
        // What air turns them into: LiOH and CaO carbonate, MnO, FeO and Cu2O oxidise, MnCO3 oxidises to MnO2.
        for f in ["LiOH", "Li2O", "CaO", "BaO", "La2O3", "MnO", "Mn3O4", "FeO", "Cu2O", "MnCO3", "FeCO3", "Li", "Fe"] {
            XCTAssertGreaterThan(try XCTUnwrap(Self.energies[f], f), ShelfStability.tolerance, f)
        }
        XCTAssertNil(Self.energies["C"], "graphite has no cation")
    }

    /// The list's air-sensitive marks were written by hand; those for oxidation or CO2 uptake must agree
    /// with the computed energies. Moisture alone (deliquescent Rb2CO3 and Cs2CO3, B2O3 and P2O5 taking up
    /// water) is outside the dry-air model, and is the one thing the marks add.
    func testHandMarksForOxidationAndCarbonationAgree() throws {
        let moistureOnly: Set<String> = ["Rb2CO3", "Cs2CO3", "B2O3", "P2O5"]
        let marked = Self.list.filter(\.airSensitive)
        XCTAssertGreaterThan(marked.count, moistureOnly.count)
        for p in marked {
            let e = try XCTUnwrap(Self.energies[p.formula], p.formula)
            if moistureOnly.contains(p.formula) { XCTAssertLessThanOrEqual(e, ShelfStability.tolerance, p.formula) }
            else { XCTAssertGreaterThan(e, ShelfStability.tolerance, p.formula) }
        }
    }

    /// LiOH in air: LiOH + ½ CO2 → ½ Li2CO3 + ½ H2O, with CO2 at 420 ppm and H2O at 0.016 bar, from
    /// the same solids' Gibbs energies at 300 K and the gases' tables; Li2CO3 + H2O is what the hull gives,
    /// so the energy above it is −ΔG per Li.
    func testLithiumHydroxideByHand() throws {
        let solids = try SolidGibbs(temperature: 300)
        let ground = try ReactionReference.groundStates()
        func g(_ f: String) throws -> Double {
            let e = try XCTUnwrap(ground[try Composition(f).reducedFormula], f)
            return try solids.energyPerAtom(e.composition, formationEnergyPerAtom: e.energyPerAtom) * e.composition.reduced.numAtoms
        }
        let gases = try ReactionGas.bundled()
        let kt = 8.617333262e-5 * 300
        let co2 = try XCTUnwrap(gases["CO2"]).freeEnergy(temperature: 300) + kt * log(4.2e-4)
        let h2o = try XCTUnwrap(gases["H2O"]).freeEnergy(temperature: 300) + kt * log(0.016)
        let dg = 0.5 * (try g("Li2CO3")) + 0.5 * h2o - (try g("LiOH")) - 0.5 * co2
        XCTAssertLessThan(dg, -ShelfStability.tolerance)
        XCTAssertEqual(try XCTUnwrap(Self.energies["LiOH"]), -dg, accuracy: 1e-9)
    }
}
