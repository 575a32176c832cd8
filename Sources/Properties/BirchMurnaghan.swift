import Crystal
import Foundation

/// pymatgen's `BirchMurnaghan` equation of state fitted to energies E(V):
/// E = E0 + 9 B0 V0/16 · (η² − 1)² · (6 + B0′(η² − 1) − 4η²), η = (V0/V)^(1/3).
/// The start is pymatgen's (a parabola's minimum, B0 = 2aV0, B0′ = 4) and the least-squares
/// minimum is found by Levenberg–Marquardt (pymatgen uses MINPACK's, via `scipy.optimize.leastsq`).
public struct BirchMurnaghanFit: Sendable, Equatable, Codable {

    /// Energy at the minimum (eV, the energies' scale).
    public var e0: Double
    /// Bulk modulus at V0 (eV/Å³).
    public var b0: Double
    /// Pressure derivative of the bulk modulus.
    public var b1: Double
    /// Volume at the minimum (Å³).
    public var v0: Double
    /// Standard errors of (E0, B0, B0′, V0): the square roots of the diagonal of s²(JᵀJ)⁻¹ with
    /// s² = RSS/(n − 4); nil with four points or fewer.
    public var standardErrors: [Double]?
    /// Coefficient of determination of the fit.
    public var r2: Double

    public var b0GPa: Double { b0 * PhysicalConstants.eVPerCubicÅngströmInGPa }
    public var b0StandardErrorGPa: Double? { standardErrors.map { $0[1] * PhysicalConstants.eVPerCubicÅngströmInGPa } }

    public static func energy(_ volume: Double, _ p: [Double]) -> Double {
        let (e0, b0, b1, v0) = (p[0], p[1], p[2], p[3])
        let eta2 = Foundation.pow(v0 / volume, 2.0 / 3)
        return e0 + 9 * b0 * v0 / 16 * (eta2 - 1) * (eta2 - 1) * (6 + b1 * (eta2 - 1) - 4 * eta2)
    }

    /// Fits volumes (Å³) and energies (eV); throws `PropertyError.fit` with fewer than four
    /// points, when the lowest energy is at the smallest or largest volume (no minimum inside the
    /// scan, e.g. layers that drift apart: where pymatgen's fit runs out of evaluations), when
    /// the parabola's minimum lies outside the volume range (pymatgen's `EOSError`) or when the
    /// fit does not converge to finite parameters.
    public init(volumes: [Double], energies: [Double]) throws {
        let n = volumes.count
        guard n >= 4, energies.count == n else { throw PropertyError.fit("a Birch–Murnaghan fit needs at least 4 E(V) points") }
        let lowest = volumes[energies.indices.min { energies[$0] < energies[$1] }!]
        guard lowest != volumes.min()!, lowest != volumes.max()! else {
            throw PropertyError.fit("the lowest energy is at the edge of the scan (\(lowest) Å³): no minimum inside the volume range")
        }
        guard let q = LeastSquares.parabola(x: volumes, y: energies), q[0] != 0 else {
            throw PropertyError.fit("no parabola through the E(V) points")
        }
        var p = [0.0, 0, 4, -q[1] / (2 * q[0])]
        p[0] = q[0] * p[3] * p[3] + q[1] * p[3] + q[2]
        p[1] = 2 * q[0] * p[3]
        guard volumes.min()! < p[3], p[3] < volumes.max()! else {
            throw PropertyError.fit("the E(V) minimum lies outside the volume range (parabola minimum at \(p[3]) Å³)")
        }
        func residuals(_ p: [Double]) -> [Double] { zip(volumes, energies).map { $1 - Self.energy($0, p) } }
        func jacobian(_ p: [Double]) -> [[Double]] {
            // Columns ∂f/∂pₖ by central differences (rows: points).
            var columns: [[Double]] = []
            for k in 0..<4 {
                let h = 1e-6 * max(abs(p[k]), 1e-3)
                var up = p, down = p
                up[k] += h
                down[k] -= h
                columns.append(volumes.map { (Self.energy($0, up) - Self.energy($0, down)) / (2 * h) })
            }
            return (0..<n).map { i in (0..<4).map { columns[$0][i] } }
        }
        func rss(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 } }
        var r = residuals(p), cost = rss(r), lambda = 1e-3
        for _ in 0..<500 {
            let j = jacobian(p)
            let jtj = (0..<4).map { a in (0..<4).map { b in j.reduce(0) { $0 + $1[a] * $1[b] } } }
            let jtr = (0..<4).map { a in zip(j, r).reduce(0) { $0 + $1.0[a] * $1.1 } }
            var improved = false
            while lambda < 1e12 {
                var damped = jtj
                for a in 0..<4 { damped[a][a] *= 1 + lambda }
                guard let inv = LeastSquares.inverse(damped) else { lambda *= 10; continue }
                let step = (0..<4).map { a in (0..<4).reduce(0) { $0 + inv[a][$1] * jtr[$1] } }
                let trial = zip(p, step).map { $0 + $1 }
                let tr = residuals(trial), tc = rss(tr)
                if tc.isFinite, tc <= cost {
                    let done = cost - tc <= 1e-14 * cost || step.enumerated().allSatisfy { abs($1) <= 1e-12 * max(abs(p[$0]), 1e-12) }
                    (p, r, cost) = (trial, tr, tc)
                    lambda = max(lambda / 10, 1e-12)
                    improved = !done
                    break
                }
                lambda *= 10
            }
            if !improved { break }
        }
        guard p.allSatisfy(\.isFinite), p[1] > 0, p[3] > 0 else {
            throw PropertyError.fit("the Birch–Murnaghan fit did not converge to a positive B0 and V0")
        }
        (e0, b0, b1, v0) = (p[0], p[1], p[2], p[3])
        let mean = energies.reduce(0, +) / Double(n)
        let total = energies.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        r2 = total > 0 ? 1 - cost / total : 1
        let j = jacobian(p)
        let jtj = (0..<4).map { a in (0..<4).map { b in j.reduce(0) { $0 + $1[a] * $1[b] } } }
        if n > 4, let cov = LeastSquares.inverse(jtj) {
            let s2 = cost / Double(n - 4)
            standardErrors = (0..<4).map { (max(cov[$0][$0], 0) * s2).squareRoot() }
        } else {
            standardErrors = nil
        }
    }
}
