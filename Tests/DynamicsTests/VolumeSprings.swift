import Crystal
import Foundation
import Potentials

/// An energy of the volume alone, U(V) = ½·B·(V − V₀)²/V₀ (B in GPa), with no forces on the atoms:
/// with B = 0 an ideal gas. Its isothermal–isobaric volume density is known in closed form up to a
/// one-dimensional integral, p(V) ∝ Vᴺ·exp(−(P₀V + U(V))/k_BT), for the NPT tests.
struct VolumeSprings: Calculator {
    var bulkModulus = 0.0, v0 = 100.0
    var name: String { "volume springs" }
    func calculate(_ s: Structure, properties: Properties) throws -> CalculationResult {
        let v = s.lattice.volume, b = bulkModulus * eVPerCubicAngstromPerGPa
        let pressure = bulkModulus * (v - v0) / v0  // dU/dV in GPa: ASE's stress of an isotropic U(V)
        return CalculationResult(energy: 0.5 * b * (v - v0) * (v - v0) / v0, forces: Array(repeating: .zero, count: s.count),
                                 stress: properties.contains(.stress) ? Matrix3.identity * pressure : nil)
    }

    /// Mean and standard deviation of V in the isothermal–isobaric ensemble of `n` atoms (trapezoid rule).
    func volumeMoments(atoms n: Int, temperature: Double, pressure: Double) -> (mean: Double, sd: Double) {
        let kT = PhysicalConstants.boltzmann * temperature, p = pressure * eVPerCubicAngstromPerGPa, b = bulkModulus * eVPerCubicAngstromPerGPa
        let grid = stride(from: 0.01, to: 4000, by: 0.01).map { $0 }
        let logs = grid.map { v in Double(n) * log(v) - (p * v + 0.5 * b * (v - v0) * (v - v0) / v0) / kT }
        let top = logs.max()!
        let w = logs.map { exp($0 - top) }
        let z = w.reduce(0, +)
        let mean = zip(grid, w).reduce(0) { $0 + $1.0 * $1.1 } / z
        let second = zip(grid, w).reduce(0) { $0 + $1.0 * $1.0 * $1.1 } / z
        return (mean, (second - mean * mean).squareRoot())
    }
}
