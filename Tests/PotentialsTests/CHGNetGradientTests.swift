import Crystal
import KilnTestSupport
import Potentials
import Tensor
import XCTest

/// Forces and stress are the derivatives of the energy, checked by finite differences on a
/// fixed graph, independently of the fixtures' forces and stresses.
final class CHGNetGradientTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        ProcessSettings.applyForInference()
    }

    /// A few fixture structures, rattled so that no force vanishes by symmetry.
    func structures() throws -> [(String, Structure)] {
        let all = try XCTUnwrap(try Fixtures.json("structures") as? [String: Any])
        let wanted = ["pmg-cif:LiFePO4", "pmg-cif:CuCl", "perov5-test:17058"]
        var out: [(String, Structure)] = []
        for s in try XCTUnwrap(all["structures"] as? [[String: Any]]) where wanted.contains(s["id"] as! String) {
            let base = try Fixtures.structure(s["structure"]!)
            out.append((s["id"] as! String, base.perturbed(distance: 0.05, seed: 7)))
        }
        XCTAssertEqual(out.count, wanted.count)
        return out
    }

    /// Fourth-order central difference of `f` at 0 with step `h`.
    func derivative(_ h: Double, _ f: (Double) throws -> Double) rethrows -> Double {
        (8 * (try f(h) - f(-h)) - (try f(2 * h) - f(-2 * h))) / (12 * h)
    }

    func testForcesAndStressAreEnergyDerivatives() throws {
        let model = try CHGNet()
        var failures: [String] = []
        for (id, s) in try structures() {
            let graph = try model.graph(for: s)
            let result = try model.calculate(s, graph: graph, properties: .all)
            let stress = try XCTUnwrap(result.stress)
            func energy(_ t: Structure) throws -> Double { try model.calculate(t, graph: graph, properties: .energy).energy }
            let h = 2e-3
            for atom in Array(Set([0, s.count / 2, s.count - 1])).sorted() {
                for c in 0..<3 {
                    let fd = -(try derivative(h) { x in
                        var t = s
                        var cart = s.lattice.cartesian(t.sites[atom].frac)
                        cart[c] += x
                        t.sites[atom].frac = s.lattice.fractional(cart)
                        return try energy(t)
                    })
                    let f = result.forces[atom][c]
                    if abs(fd - f) > 2e-3 + 2e-3 * abs(f) {
                        failures.append(String(format: "%@ atom %d axis %d: force %.6f, −dE/dx %.6f", id, atom, c, f, fd))
                    }
                }
            }
            for (a, b) in [(0, 0), (1, 1), (2, 2), (0, 1), (2, 0)] {
                do {
                    let fd = try derivative(h) { x in
                        var m = Matrix3.identity.array
                        m[a][b] += x
                        let lattice = Lattice(s.lattice.matrix * Matrix3(m))
                        return try energy(Structure(lattice: lattice, sites: s.sites))
                    } / s.lattice.signedVolume * model.config.stressUnitFactor
                    if abs(fd - stress[a, b]) > 2e-2 + 2e-3 * abs(stress[a, b]) {
                        failures.append(String(format: "%@ stress %d%d: %.5f GPa, (1/V)dE/dε %.5f GPa", id, a, b, stress[a, b], fd))
                    }
                }
            }
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }
}
