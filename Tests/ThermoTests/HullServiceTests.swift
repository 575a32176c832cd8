import Crystal
import Thermo
import XCTest

final class HullServiceTests: XCTestCase {
    /// An element at MP's elemental reference energy lies on the hull; 0.3 eV/atom more lies 0.3 above.
    func testElementalReferenceIsOnTheHull() throws {
        let hull = try HullService()
        let refs = try MPElementalReferences.bundled()
        let si = try Element("Si")
        let mu = try XCTUnwrap(refs.energyPerAtom[si])
        let c = Composition([(si, 8)])
        XCTAssertEqual(try XCTUnwrap(hull.energyAboveHull(c, energy: 8 * mu)), 0, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(hull.energyAboveHull(c, energy: 8 * (mu + 0.3))), 0.3, accuracy: 1e-6)
        // A pure element gets no MP2020 correction, so the corrected hull agrees.
        XCTAssertEqual(try XCTUnwrap(HullService(corrections: .mp2020).energyAboveHull(c, energy: 8 * mu)), 0, accuracy: 1e-6)
        // Po has no MP elemental reference energy; O has both that and pure-oxygen entries.
        let po = try Element("Po"), o = try Element("O")
        XCTAssertEqual(try HullService(elements: [po, o]).unsupportedElements([po, o]), [po])
        // No reference, no answer.
        XCTAssertNil(try HullService(reference: .none).energyAboveHull(c, energy: 8 * mu))
    }

    /// The joined hull equals the reference-only answer for a candidate above the hull, and a
    /// candidate below the hull lowers it for a second candidate of the same formula.
    func testJoinedCandidatesAndRestriction() throws {
        let li = try Element("Li"), o = try Element("O")
        let service = try HullService(elements: [li, o])
        XCTAssertTrue(service.referenceEntries.allSatisfy { Set($0.composition.elements).isSubset(of: [li, o]) })
        XCTAssertTrue(service.referenceFormulas.contains("Li2O"))
        let li2o = try Composition("Li2O")
        let onHull = try service.analyze(ThermoEntry(composition: li2o, energyPerAtom: 0, id: "probe"), phaseSeparation: false)
        let hullEnergy = onHull.formationEnergyPerAtom - onHull.energyAboveHull
        let above = try ThermoEntry(composition: li2o, energyPerAtom: hullEnergy + 0.05, id: "above")
        let below = try ThermoEntry(composition: li2o, energyPerAtom: hullEnergy - 0.02, id: "below")
        let alone = try service.join([above])
        XCTAssertEqual(alone.results[0].energyAboveHull, 0.05, accuracy: 1e-9)
        let both = try service.join([above, below])
        XCTAssertEqual(both.results[0].energyAboveHull, 0.07, accuracy: 1e-9)
        XCTAssertEqual(both.results[1].energyAboveHull, 0, accuracy: 1e-9)
        XCTAssertTrue(both.results[1].isStable)
    }

    /// Hidden formulas leave the reference, so a hidden ground state is no longer on it.
    func testHiddenFormulas() throws {
        let li = try Element("Li"), o = try Element("O")
        let hidden = try HullService(elements: [li, o], hiddenFormulas: ["Li2O"])
        XCTAssertFalse(hidden.referenceFormulas.contains("Li2O"))
        let full = try HullService(elements: [li, o])
        let probe = try ThermoEntry(composition: Composition("Li2O"), energyPerAtom: -2.0, id: "probe")
        XCTAssertLessThan(try hidden.analyze(probe).energyAboveHull, 0)  // below the hull once Li2O is hidden
        XCTAssertLessThan(try hidden.analyze(probe).energyAboveHull, try full.analyze(probe).energyAboveHull)
    }

    /// Without a reference, formation energies get elements at 0 and raw energies use the input's own elements.
    func testNoReference() throws {
        let service = try HullService(reference: .none)
        let formation = [EntryRecord(id: "a", composition: try Composition("CuZn"), energy: .formationPerAtom(-1), location: "t")]
        let (f, fScale) = try service.entries(formation)
        XCTAssertEqual(fScale, .formation)
        XCTAssertEqual(try service.join(f, scale: fScale).results[0].energyAboveHull, 0, accuracy: 1e-12)
        let raw = [EntryRecord(id: "a", composition: try Composition("Cu"), energy: .perAtom(-2), location: "t"),
                   EntryRecord(id: "b", composition: try Composition("Zn"), energy: .perAtom(-3), location: "t"),
                   EntryRecord(id: "ab", composition: try Composition("CuZn"), energy: .perAtom(-2.4), location: "t")]
        let (r, rScale) = try service.entries(raw)
        XCTAssertEqual(rScale, .raw)
        XCTAssertEqual(try service.join(r, scale: rScale).results[2].energyAboveHull, 0.1, accuracy: 1e-9)
    }
}
