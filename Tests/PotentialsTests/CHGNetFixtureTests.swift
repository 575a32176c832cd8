import Crystal
import KilnTestSupport
import Potentials
import XCTest

/// CHGNet 0.3.0 against chgnet 0.4.2's own outputs on the 234 fixture structures
/// (Tests/Fixtures/chgnet.json.gz), with the tolerances.
final class CHGNetFixtureTests: XCTestCase {
    static let model = Result { try CHGNet() }

    func testAgainstFixtures() throws {
        let model = try Self.model.get()
        let fixture = try XCTUnwrap(try Fixtures.json("chgnet") as? [String: Any])
        let results = try XCTUnwrap(fixture["results"] as? [[String: Any]])
        let structures = try XCTUnwrap(try Fixtures.json("structures") as? [String: Any])
        var byId: [String: Any] = [:]
        for s in try XCTUnwrap(structures["structures"] as? [[String: Any]]) { byId[s["id"] as! String] = s["structure"] }
        XCTAssertEqual(results.count, 234)
        var failures: [String] = []
        var worst = (e: 0.0, f: 0.0, s: 0.0, m: 0.0)
        for r in results {
            let id = r["id"] as! String
            let s = try Fixtures.structure(try XCTUnwrap(byId[id], id))
            let graph = try model.graph(for: s)
            let counts = r["graph"] as! [String: Any]
            let expected = ["n_atom_graph_directed_edges": graph.directedEdgeCount,
                            "n_atom_graph_undirected_edges": graph.undirectedEdgeCount,
                            "n_bonds_directed_within_bond_cutoff": graph.directedBondsWithinBondCutoff,
                            "n_bond_graph_angles": graph.angleCount]
            for (key, ours) in expected where (counts[key] as! Int) != ours {
                failures.append("\(id): \(key) \(ours) vs \(counts[key]!)")
            }
            let out = try model.calculate(s, graph: graph, properties: .all)
            let n = Double(s.count)
            let de = abs(out.energy / n - (r["energy_per_atom"] as! Double))
            let forces = r["forces"] as! [[Double]]
            var df = 0.0
            for (i, f) in forces.enumerated() { for c in 0..<3 { df = max(df, abs(out.forces[i][c] - f[c])) } }
            let stress = r["stress_GPa"] as! [[Double]]
            var ds = 0.0
            for a in 0..<3 { for b in 0..<3 { ds = max(ds, abs(out.stress![a, b] - stress[a][b])) } }
            let magmoms = r["magmoms"] as! [Double]
            let dm = zip(out.magmoms, magmoms).map { abs($0 - $1) }.max() ?? 0
            worst = (max(worst.e, de), max(worst.f, df), max(worst.s, ds), max(worst.m, dm))
            if de > 2e-5 || df > 2e-4 || ds > 2e-3 || dm > 1e-4 {
                failures.append(String(format: "%@: |ΔE| %.2e eV/atom, |ΔF| %.2e eV/Å, |Δσ| %.2e GPa, |Δm| %.2e µB",
                                       id, de, df, ds, dm))
            }
        }
        print(String(format: "CHGNet vs fixtures, worst: |ΔE| %.2e eV/atom, |ΔF| %.2e eV/Å, |Δσ| %.2e GPa, |Δm| %.2e µB",
                     worst.e, worst.f, worst.s, worst.m))
        XCTAssert(failures.isEmpty, "\(failures.count) failures:\n" + failures.joined(separator: "\n"))
    }
}
