import Crystal
import Thermo
import XCTest

/// `HullService`'s mlip reference: relaxed phases on the potential's own formation scale.
final class MLIPReferenceTests: XCTestCase {
    /// A made-up A–B system: two A polymorphs (the lower one is A's reference), B, a compound on
    /// the hull, one above it, and a failed relaxation (left out).
    private func reference() -> MLIPReference {
        MLIPReference(model: "test potential", phases: [
            .init(id: "a-high", formula: "Li2", energy: -2.0, outcome: "converged"),
            .init(id: "a-low", formula: "Li1", energy: -1.5, outcome: "converged"),
            .init(id: "b", formula: "Au2", energy: -6.0, outcome: "not_converged"),
            .init(id: "ab", formula: "Li1 Au1", energy: -5.5, outcome: "converged"),
            .init(id: "ab3", formula: "Li1 Au3", energy: -11.0, outcome: "converged"),
            .init(id: "broken", formula: "Li3 Au1", energy: nil, outcome: "failed", error: "collapsed"),
        ])
    }

    func testElementsComeFromThePotential() throws {
        let hull = try HullService(mlip: reference(), corrections: .none)
        XCTAssertEqual(hull.reference, .mlip)
        // μ(Li) = −1.5 (the lower polymorph per atom), μ(Au) = −3: LiAu is (−5.5 + 4.5)/2 = −0.5 eV/atom.
        let byID = Dictionary(uniqueKeysWithValues: hull.referenceEntries.map { ($0.id, $0.energyPerAtom) })
        XCTAssertEqual(Set(byID.keys), ["a-high", "a-low", "b", "ab", "ab3"], "the failed phase is left out")
        XCTAssertEqual(try XCTUnwrap(byID["a-low"]), 0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(byID["a-high"]), 0.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(byID["ab"]), -0.5, accuracy: 1e-12)
        // A raw energy is placed with the same references: LiAu at −5.6 eV is 0.05 eV/atom below the hull.
        let e = try hull.entry(Composition("LiAu"), energy: -5.6, id: "x")
        XCTAssertEqual(e.energyPerAtom, -0.55, accuracy: 1e-12)
        XCTAssertEqual(try hull.analyze(e, phaseSeparation: false).energyAboveHull, -0.05, accuracy: 1e-9)
        XCTAssertTrue(hull.provenance.contains("test potential"), hull.provenance)
        XCTAssertTrue(hull.provenance.contains("1 failed relaxations left out"), hull.provenance)
        XCTAssertEqual(hull.scaleDescription(.formation), "formation energy per atom, the potential's relaxed elements at 0")
    }

    /// An element without a relaxed pure-element phase borrows MP's elemental energy (an implied
    /// pure entry at 0, named in the provenance); one without an MP energy either is unsupported.
    func testElementWithoutRelaxedPhaseBorrowsMPs() throws {
        var r = reference()
        r.phases.append(.init(id: "ao", formula: "Li2 O1", energy: -14, outcome: "converged"))
        r.phases.append(.init(id: "apo", formula: "Li1 Po1", energy: -4, outcome: "converged"))
        let (li, o, po) = (try Element("Li"), try Element("O"), try Element("Po"))
        let hull = try HullService(mlip: r, corrections: .none, elements: [li, o, po, try Element("Au")])
        XCTAssertEqual(hull.borrowedElementalReferences, [o])
        XCTAssertEqual(hull.unsupportedElements([li, o, po]), [po])
        XCTAssertFalse(hull.referenceEntries.contains { $0.id == "apo" })
        let muO = try XCTUnwrap(MPElementalReferences.bundled().energyPerAtom[o])
        let ao = try XCTUnwrap(hull.referenceEntries.first { $0.id == "ao" })
        XCTAssertEqual(ao.energyPerAtom, (-14 - 2 * -1.5 - muO) / 3, accuracy: 1e-12)
        XCTAssertTrue(hull.referenceEntries.contains { $0.id == "ref:O" && $0.energyPerAtom == 0 })
        XCTAssertTrue(hull.provenance.contains("MP's energies for O"), hull.provenance)
        XCTAssertTrue(try HullService(mlip: reference(), corrections: .none).borrowedElementalReferences.isEmpty)
    }

    /// Element restriction and hidden formulas apply as for the MP reference; the plain
    /// initialiser refuses `.mlip` with a reason.
    func testRestrictionAndRefusal() throws {
        let hull = try HullService(mlip: reference(), corrections: .none, elements: [try Element("Li")])
        XCTAssertEqual(Set(hull.referenceEntries.map(\.id)), ["a-high", "a-low"])
        let hidden = try HullService(mlip: reference(), corrections: .none, hiddenFormulas: ["LiAu"])
        XCTAssertFalse(hidden.referenceFormulas.contains("LiAu"))
        XCTAssertThrowsError(try HullService(reference: .mlip)) { XCTAssertTrue("\($0)".contains("MLIPReference"), "\($0)") }
    }

    /// Leaving a hull phase out judges it against the others: without itself, LiAu (−0.5 eV/atom) is
    /// measured from the Li–LiAu3 tie line (−0.125 × 0.5/0.75 at its composition), and LiAu3 (above
    /// the hull with LiAu) is unchanged by leaving itself out.
    func testLeaveOneOut() throws {
        let hull = try HullService(mlip: reference(), corrections: .none)
        let entries = Dictionary(uniqueKeysWithValues: hull.referenceEntries.map { ($0.id, $0) })
        let ab = try XCTUnwrap(entries["ab"]), ab3 = try XCTUnwrap(entries["ab3"])
        XCTAssertEqual(try hull.analyze(ab, leavingOut: { $0.id == "ab" }).energyAboveHull, -0.5 + 0.125 * 0.5 / 0.75, accuracy: 1e-9)
        XCTAssertEqual(try hull.analyze(ab, phaseSeparation: false).energyAboveHull, 0, accuracy: 1e-9)
        let kept = try hull.analyze(ab3, phaseSeparation: false).energyAboveHull
        XCTAssertGreaterThan(kept, 0)
        XCTAssertEqual(try hull.analyze(ab3, leavingOut: { $0.id == "ab3" }).energyAboveHull, kept, accuracy: 1e-9)
    }

    /// With MP2020 corrections the elemental references and the compounds are corrected alike.
    func testCorrectionsApplyToEveryPhase() throws {
        let r = MLIPReference(model: "t", phases: [
            .init(id: "fe", formula: "Fe1", energy: -8, outcome: "converged"),
            .init(id: "o", formula: "O2", energy: -9, outcome: "converged"),
            .init(id: "feo", formula: "Fe1 O1", energy: -18, outcome: "converged"),
        ])
        let plain = try HullService(mlip: r, corrections: .none)
        let corrected = try HullService(mlip: r, corrections: .mp2020)
        let c = try Composition("FeO")
        let shift = corrected.correction(for: c)
        XCTAssertNotEqual(shift, 0)
        let fPlain = try XCTUnwrap(plain.referenceEntries.first { $0.id == "feo" }).energyPerAtom
        let fCorrected = try XCTUnwrap(corrected.referenceEntries.first { $0.id == "feo" }).energyPerAtom
        let elementShift = corrected.correction(for: try Composition("Fe")) + corrected.correction(for: try Composition("O"))
        XCTAssertEqual(fCorrected - fPlain, (shift - elementShift) / 2, accuracy: 1e-12)
    }
}
