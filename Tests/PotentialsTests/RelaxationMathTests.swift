import Crystal
import Foundation
import Potentials
import XCTest

/// The numerical building blocks: exp and its Fréchet derivative, the symmetric eigensolver,
/// the test potential's analytic derivatives and the cell filter's generalized forces.
final class RelaxationMathTests: XCTestCase {
    func testMatrixExponentialOfRotationGenerator() {
        let t = 0.7
        let e = MatrixExponential.exp(Matrix3(Vec3(0, -t, 0), Vec3(t, 0, 0), Vec3(0, 0, 0.3)))
        let expected = Matrix3(Vec3(cos(t), -sin(t), 0), Vec3(sin(t), cos(t), 0), Vec3(0, 0, Foundation.exp(0.3)))
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual(e[i, j], expected[i, j], accuracy: 1e-14) } }
    }

    func testFrechetDerivativeMatchesFiniteDifferences() {
        let a = Matrix3(Vec3(0.1, -0.3, 0.2), Vec3(0.05, 0.4, -0.1), Vec3(-0.2, 0.1, 0.3)) * 2
        let e = Matrix3(Vec3(0.3, 0.1, -0.2), Vec3(0.7, -0.4, 0.2), Vec3(0.1, 0.5, 0.9))
        let h = 1e-6
        let fd = (MatrixExponential.exp(a + e * h) - MatrixExponential.exp(a - e * h)) * (1 / (2 * h))
        let l = MatrixExponential.frechet(a, direction: e)
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual(l[i, j], fd[i, j], accuracy: 1e-8) } }
    }

    func testSymmetricEigenReconstructsMatrix() {
        var rng = SeededGenerator(seed: 7)
        for n in [1, 2, 5, 30] {
            var m = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for j in 0...i {
                let v = Double.random(in: -1...1, using: &rng)
                m[i * n + j] = v; m[j * n + i] = v
            } }
            let (values, vectors) = SymmetricEigen.decompose(m, n: n)
            for i in 0..<n { for j in 0..<n {
                var s = 0.0, o = 0.0
                for k in 0..<n {
                    s += vectors[i * n + k] * values[k] * vectors[j * n + k]
                    o += vectors[k * n + i] * vectors[k * n + j]
                }
                XCTAssertEqual(s, m[i * n + j], accuracy: 1e-12, "n=\(n) reconstruct (\(i),\(j))")
                XCTAssertEqual(o, i == j ? 1 : 0, accuracy: 1e-12, "n=\(n) orthonormal (\(i),\(j))")
            } }
        }
    }

    /// A rattled, strained fcc cell with 4 atoms, no pair near the cutoff.
    private func distorted() -> Structure {
        var s = Structure.fcc(3.1).perturbed(distance: 0.08, seed: 3)
        s.lattice = Lattice(s.lattice.matrix * Matrix3(Vec3(1.02, 0.01, 0), Vec3(0.01, 0.99, -0.02), Vec3(0, -0.02, 1.01)))
        return s
    }

    func testLennardJonesForcesAndStressMatchFiniteDifferences() throws {
        let lj = LennardJones(cutoff: 4.5)
        let s = distorted()
        let r = try lj.calculate(s, properties: .all)
        let h = 1e-5
        for i in 0..<s.count { for k in 0..<3 {
            var plus = s, minus = s
            var d = Vec3.zero; d[k] = h
            plus.sites[i].frac = s.lattice.fractional(s.lattice.cartesian(s.sites[i].frac) + d)
            minus.sites[i].frac = s.lattice.fractional(s.lattice.cartesian(s.sites[i].frac) - d)
            let fd = -(try lj.calculate(plus, properties: .energy).energy - lj.calculate(minus, properties: .energy).energy) / (2 * h)
            XCTAssertEqual(r.forces[i][k], fd, accuracy: 1e-6, "force atom \(i) component \(k)")
        } }
        for a in 0..<3 { for b in 0..<3 {
            var strain = Matrix3.identity
            strain[a, b] += h
            let plus = Structure(lattice: Lattice(s.lattice.matrix * strain), sites: s.sites)
            strain[a, b] -= 2 * h
            let minus = Structure(lattice: Lattice(s.lattice.matrix * strain), sites: s.sites)
            let fd = (try lj.calculate(plus, properties: .energy).energy - lj.calculate(minus, properties: .energy).energy)
                / (2 * h) / s.volume * 160.21766208
            XCTAssertEqual(r.stress![a, b], fd, accuracy: 1e-5, "stress \(a)\(b)")
        } }
    }

    /// The filter's generalized forces are −∂(E + pV)/∂x for every coordinate, away from x = 0
    /// so the log-deformation derivative is exercised.
    func testFrechetFilterForcesAreNegativeGradient() throws {
        let lj = LennardJones(cutoff: 4.5)
        let s = distorted()
        for (mode, pressure) in [(CellRelaxation.full, 0.0), (.full, 30.0), (.fixed, 0.0)] {
            let filter = FrechetCellFilter(reference: s, cell: mode, pressure: pressure)
            var x = filter.initialCoordinates
            var rng = SeededGenerator(seed: 11)
            for i in x.indices.suffix(mode == .fixed ? 0 : 9) { x[i] = Double.random(in: -0.2...0.2, using: &rng) }
            func enthalpy(_ x: [Double]) throws -> Double {
                let t = filter.structure(x)
                return filter.enthalpy(energy: try lj.calculate(t, properties: .energy).energy, volume: t.volume)
            }
            let t = filter.structure(x)
            let r = try lj.calculate(t, properties: .all)
            let g = filter.forces(x, atomForces: r.forces, stress: r.stress, volume: t.volume)
            let h = 1e-5
            for i in x.indices {
                var p = x, m = x
                p[i] += h; m[i] -= h
                let fd = -(try enthalpy(p) - enthalpy(m)) / (2 * h)
                XCTAssertEqual(g[i], fd, accuracy: 1e-6, "\(mode) p=\(pressure) coordinate \(i)")
            }
        }
    }

    func testFixedVolumeAndHydrostaticProjections() throws {
        let lj = LennardJones(cutoff: 4.5)
        let s = distorted()
        let r = try lj.calculate(s, properties: .all)
        let fv = FrechetCellFilter(reference: s, cell: .fixedVolume)
        let g = fv.forces(fv.initialCoordinates, atomForces: r.forces, stress: r.stress, volume: s.volume)
        let o = 3 * s.count
        XCTAssertEqual(g[o] + g[o + 4] + g[o + 8], 0, accuracy: 1e-12, "log-strain force must be traceless")
        let hy = FrechetCellFilter(reference: s, cell: .hydrostatic)
        let gh = hy.forces(hy.initialCoordinates, atomForces: r.forces, stress: r.stress, volume: s.volume)
        XCTAssertEqual(gh[o + 1], 0, accuracy: 1e-12)
        XCTAssertEqual(gh[o], gh[o + 4], accuracy: 1e-12)
        XCTAssertEqual(gh[o], gh[o + 8], accuracy: 1e-12)
    }
}
