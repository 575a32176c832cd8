import Crystal
import KilnTestSupport
import Thermo
import XCTest

/// The whole MP composition table (132,752 entries, 84 elements) against pymatgen's
/// PatchedPhaseDiagram: E_hull and stability of every entry.
///
/// PatchedPhaseDiagram answers a composition from the largest patch containing it, and qhull's
/// facets there are slightly off for a handful of rows: it reports an E_hull up to ~6e-5 eV/atom
/// *below* the exact one (rows 1400, 3055, 5749, 6719, 12466; pymatgen's plain PhaseDiagram on the
/// row's own chemical system and scipy's linprog both give Kiln's value). Such rows are allowed
/// (pymatgen lower by at most 1e-4, at most 10 of them) and listed; every other row must agree to 1e-6.
final class HullLargeMPTests: XCTestCase {
    #if DEBUG
    static let isRelease = false
    #else
    static let isRelease = true
    #endif

    func testEveryEntryMatchesPatchedPhaseDiagram() throws {
        try XCTSkipUnless(Self.isRelease, "release-only (swift test -c release): 132,752 entries")
        let root = try XCTUnwrap(try Fixtures.json("hull_mp_large") as? [String: Any])
        let rows = try XCTUnwrap(root["entries"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 132_752)
        let entries = try rows.enumerated().map { i, r in
            try ThermoEntry(composition: Composition(r["formula"] as! String),
                            energyPerAtom: r["formation_energy_per_atom"] as! Double, id: "row\(i)")
        }
        let start = Date()
        let pd = try PhaseDiagram(entries: entries)
        let results = pd.analyzeAll(phaseSeparation: false)
        let seconds = Date().timeIntervalSince(start)
        var failures: [String] = []
        var patchArtifacts: [String] = []
        var nStable = 0
        for (r, x) in zip(results, rows) {
            let eh = x["e_above_hull"] as! Double
            let d = r.energyAboveHull - eh
            let line = "\(r.entry.id) \(x["formula"]!): E_hull \(r.energyAboveHull) vs \(eh)"
            if d > 1e-6 && d < 1e-4 { patchArtifacts.append(line) } else if abs(d) > 1e-6 { failures.append(line) }
            if r.isStable != (x["is_stable"] as! Bool) { failures.append("\(r.entry.id) \(x["formula"]!): is_stable \(r.isStable)") }
            if r.isStable { nStable += 1 }
        }
        XCTAssertEqual(pd.stableIndices.count, 35_408)
        XCTAssertEqual(nStable, 35_415)
        XCTAssertLessThanOrEqual(patchArtifacts.count, 10, patchArtifacts.joined(separator: "\n"))
        print("rows where PatchedPhaseDiagram is below the exact hull:\n" + patchArtifacts.joined(separator: "\n"))
        XCTAssertTrue(failures.isEmpty, "\(failures.count) mismatches:\n" + failures.prefix(40).joined(separator: "\n"))
        print("hull_mp_large: build + \(rows.count) queries in \(String(format: "%.2f", seconds)) s")
        XCTAssertLessThan(seconds, 60)
    }
}
