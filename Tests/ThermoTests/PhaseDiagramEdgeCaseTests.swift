import Crystal
import Thermo
import XCTest

/// Degenerate inputs, errors, outside entries and a 10-element system.
final class PhaseDiagramEdgeCaseTests: XCTestCase {
    private func entry(_ f: String, _ e: Double, _ id: String) throws -> ThermoEntry {
        try ThermoEntry(composition: Composition(f), energy: e, id: id)
    }

    func testSingleEntry() throws {
        let pd = try PhaseDiagram(entries: [entry("Fe2", -16, "fe")])
        let r = pd.analyze(index: 0)
        XCTAssertTrue(r.isStable)
        XCTAssertEqual(r.energyAboveHull, 0)
        XCTAssertEqual(r.phaseSeparationEnergy, 0)
        XCTAssertEqual(r.decomposition.map(\.entry.id), ["fe"])
    }

    func testElementsOnlyWithPolymorphsAndTies() throws {
        let pd = try PhaseDiagram(entries: [entry("Si", -5, "a"), entry("Si2", -10, "tie"), entry("Si", -4.5, "poly"),
                                            entry("Ge", -4, "ge")])
        XCTAssertEqual(pd.stableEntries.map(\.id), ["a", "ge"])
        let r = pd.analyzeAll()
        XCTAssertEqual(r.map(\.isStable), [true, false, false, true])
        XCTAssertEqual(r[1].energyAboveHull, 0, accuracy: 1e-12)
        XCTAssertEqual(r[2].energyAboveHull, 0.5, accuracy: 1e-12)
        XCTAssertEqual(r[2].decomposition.map(\.entry.id), ["a"])
    }

    func testCollinearAndDuplicatePointsAreNotVertices() throws {
        // A, B at 0; AB at -1/atom; A3B exactly on the A–AB edge; AB duplicated (scaled, same energy).
        let pd = try PhaseDiagram(entries: [entry("Li", -2, "li"), entry("Fe", -8, "fe"), entry("LiFe", -12, "ab"),
                                            entry("Li3Fe", -6 - 8 - 2, "a3b"), entry("Li2Fe2", -24, "ab2")])
        XCTAssertEqual(Set(pd.stableEntries.map(\.id)), ["li", "fe", "ab"])
        let r = pd.analyzeAll()
        XCTAssertEqual(r[3].energyAboveHull, 0, accuracy: 1e-12)
        XCTAssertFalse(r[3].isStable)
        XCTAssertEqual(Set(r[3].decomposition.map(\.entry.id)), ["li", "ab"])
        XCTAssertEqual(r[3].decomposition.first { $0.entry.id == "ab" }!.fraction, 0.5, accuracy: 1e-12)
        XCTAssertFalse(r[4].isStable)
        // Without AB the hull at x = 1/2 runs from A3B (-1/2) to Fe (0): -1/3, so ΔE_d = -1 + 1/3.
        XCTAssertEqual(r[2].phaseSeparationEnergy!, -2.0 / 3, accuracy: 1e-12)
    }

    func testErrors() throws {
        XCTAssertThrowsError(try PhaseDiagram(entries: [])) { XCTAssertEqual($0 as? ThermoError, .emptySystem) }
        XCTAssertThrowsError(try PhaseDiagram(entries: [entry("Li", -2, "li"), entry("Li2O", -14, "x")])) {
            XCTAssertEqual($0 as? ThermoError, .missingElementalReference(["O"]))
        }
        XCTAssertThrowsError(try entry("Li", .nan, "bad")) { XCTAssertTrue("\($0)".contains("not a finite number")) }
        XCTAssertThrowsError(try ThermoEntry(composition: Composition([(Element("Li"), -1.0)]), energy: 0, id: "neg")) {
            XCTAssertTrue("\($0)".contains("negative amount"))
        }
        let pd = try PhaseDiagram(entries: [entry("Li", -2, "li")])
        XCTAssertThrowsError(try pd.analyze(entry("LiF", -5, "q"))) {
            XCTAssertEqual($0 as? ThermoError, .outsideDiagram(formula: "LiF", missing: ["F"]))
        }
    }

    func testOutsideEntryBelowAndAboveHull() throws {
        let pd = try PhaseDiagram(entries: [entry("Li", -2, "li"), entry("O2", -10, "o"), entry("Li2O", -3 * 4, "li2o")])
        // Li2O: E_f = (-12 - (-4 - 5)) / 3 = -1 eV/atom.
        let below = try pd.analyze(entry("Li2O", -3 * 4.5, "new"))
        XCTAssertEqual(below.energyAboveHull, -0.5, accuracy: 1e-12)
        XCTAssertTrue(below.isStable)
        XCTAssertEqual(below.phaseSeparationEnergy!, -1.5, accuracy: 1e-12)
        let above = try pd.analyze(entry("LiO2", 3 * -3.5, "sup"))
        // Hull at LiO2 (x_O = 2/3) is half Li2O (-1) and half O2 (0): -0.5 eV/atom; E_f(LiO2) = +0.5.
        let hull = try pd.hullFormationEnergy(of: Composition("LiO2"))
        XCTAssertEqual(hull, -0.5, accuracy: 1e-12)
        XCTAssertEqual(above.formationEnergyPerAtom, 0.5, accuracy: 1e-12)
        XCTAssertEqual(above.energyAboveHull, 1.0, accuracy: 1e-12)
        XCTAssertEqual(Set(above.decomposition.map(\.entry.id)), ["li2o", "o"])
    }

    /// Ten elements, random compounds: decompositions reproduce the composition and the hull energy,
    /// nothing lies below the hull, and adding an unstable entry changes nothing.
    func testTenElementSystemIsConsistent() throws {
        var rng = SeededGenerator(seed: 7)
        let symbols = ["Li", "Na", "Mg", "Al", "Si", "Fe", "Cu", "Zn", "O", "S"]
        let els = try symbols.map { try Element($0) }
        var entries = try els.map { try ThermoEntry(composition: Composition([($0, 1.0)]), energy: -3, id: $0.symbol) }
        for i in 0..<400 {
            let k = Int.random(in: 2...6, using: &rng)
            let pick = els.shuffled(using: &rng).prefix(k)
            let comp = Composition(pick.map { ($0, Double(Int.random(in: 1...4, using: &rng))) })
            let ef = Double.random(in: -1.5...0.2, using: &rng)
            entries.append(try ThermoEntry(composition: comp, energy: (ef - 3) * comp.numAtoms, id: "c\(i)"))
        }
        let pd = try PhaseDiagram(entries: entries)
        let results = pd.analyzeAll()
        var failures: [String] = []
        for r in results {
            if r.energyAboveHull < -1e-9 { failures.append("\(r.entry.id) below hull") }
            let n = r.entry.composition.numAtoms
            for el in r.entry.composition.elements {
                let x = r.decomposition.reduce(0) { $0 + $1.fraction * $1.entry.composition[el] / $1.entry.composition.numAtoms }
                if abs(x - r.entry.composition[el] / n) > 1e-9 { failures.append("\(r.entry.id) composition") }
            }
            let hull = r.decomposition.reduce(0) { $0 + $1.fraction * $1.entry.energyPerAtom }
            if abs(r.entry.energyPerAtom - hull - r.energyAboveHull) > 1e-9 { failures.append("\(r.entry.id) energy") }
            if r.isStable && r.phaseSeparationEnergy! > 1e-9 { failures.append("\(r.entry.id) phase separation > 0") }
        }
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
        let unstable = results.first { !$0.isStable && $0.energyAboveHull > 0.01 }!.entry
        var shifted = unstable
        shifted.id = "copy"
        shifted.uncorrectedEnergy += 0.01 * unstable.composition.numAtoms
        let pd2 = try PhaseDiagram(entries: entries + [shifted])
        XCTAssertEqual(pd2.stableIndices, pd.stableIndices)
    }
}

/// Hull energies of a random ternary against brute force over every triangle of entries.
final class TernaryBruteForceTests: XCTestCase {
    func testHullEnergyEqualsBestTriangle() throws {
        var rng = SeededGenerator(seed: 11)
        let els = try ["Ca", "Ti", "O"].map { try Element($0) }
        var entries = try els.map { try ThermoEntry(composition: Composition([($0, 1.0)]), energyPerAtom: 0, id: $0.symbol) }
        for i in 0..<40 {
            let comp = Composition(els.map { ($0, Double(Int.random(in: 0...5, using: &rng))) }.filter { $0.1 > 0 })
            guard comp.numAtoms > 0, comp.elements.count > 1 else { continue }
            entries.append(try ThermoEntry(composition: comp, energyPerAtom: Double.random(in: -2...0.3, using: &rng), id: "c\(i)"))
        }
        let pd = try PhaseDiagram(entries: entries)
        let pts: [([Double], Double)] = entries.map { e in
            let r = try! pd.analyze(e, phaseSeparation: false)
            return (els.map { e.composition[$0] / e.composition.numAtoms }, r.formationEnergyPerAtom)
        }
        var failures: [String] = []
        for q in 0..<60 {
            var x = (0..<3).map { _ in Double.random(in: 0.01...1, using: &rng) }
            if q % 5 == 0 { x[2] = 0 }  // on an edge of the triangle
            let s = x.reduce(0, +)
            x = x.map { $0 / s }
            var best = Double.infinity
            for a in pts.indices { for b in a..<pts.count { for c in b..<pts.count {
                // Solve λa·pa + λb·pb + λc·pc = x with Σλ = 1 (first two coordinates suffice).
                let (p, r, t) = (pts[a].0, pts[b].0, pts[c].0)
                let m = [[p[0] - t[0], r[0] - t[0]], [p[1] - t[1], r[1] - t[1]]]
                let det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
                guard abs(det) > 1e-12 else { continue }
                let v = [x[0] - t[0], x[1] - t[1]]
                let la = (v[0] * m[1][1] - m[0][1] * v[1]) / det
                let lb = (m[0][0] * v[1] - v[0] * m[1][0]) / det
                let lc = 1 - la - lb
                guard la >= -1e-12, lb >= -1e-12, lc >= -1e-12 else { continue }
                best = min(best, la * pts[a].1 + lb * pts[b].1 + lc * pts[c].1)
            } } }
            let comp = Composition(zip(els, x).map { ($0, $1) })
            let mine = try pd.hullFormationEnergy(of: comp)
            if abs(mine - best) > 1e-9 { failures.append("\(x): \(mine) vs brute force \(best)") }
        }
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
    }
}
