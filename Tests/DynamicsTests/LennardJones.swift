import Crystal
import Foundation
import Potentials

/// Lennard-Jones argon (ε = 10.3 meV, σ = 3.4 Å; energy shifted to 0 at the 2.2σ cut-off), with
/// forces and stress: a crystal that melts, for the thermal-robustness tests. Needs cells at least
/// two thirds of the cut-off wide (one ring of images).
struct LennardJones: Calculator {
    var epsilon = 0.0103, sigma = 3.4
    var name: String { "Lennard-Jones" }
    var cutoff: Double { 2.2 * sigma }

    func calculate(_ s: Structure, properties: Properties) throws -> CalculationResult {
        guard (0..<3).allSatisfy({ s.lattice.interplanarSpacings[$0] > 2 * cutoff / 3 }) else {
            throw CalculatorError.invalidStructure("cell narrower than two thirds of the cut-off")
        }
        func phi(_ r: Double) -> Double { let x = pow(sigma / r, 6); return 4 * epsilon * (x * x - x) }
        let shift = phi(cutoff)
        var energy = 0.0
        var forces = [Vec3](repeating: .zero, count: s.count)
        var virial = Matrix3(.zero, .zero, .zero)
        for i in 0..<s.count {
            for j in 0..<s.count {
                var df = s.sites[j].frac - s.sites[i].frac
                df -= df.rounded(.toNearestOrEven)
                for x in -1...1 { for y in -1...1 { for z in -1...1 {
                    let d = s.lattice.cartesian(df + Vec3(Double(x), Double(y), Double(z)))
                    let r = norm(d)
                    guard r > 1e-6, r < cutoff else { continue }
                    let x6 = pow(sigma / r, 6)
                    let dphi = 4 * epsilon * (-12 * x6 * x6 + 6 * x6) / r  // dφ/dr
                    energy += 0.5 * (phi(r) - shift)
                    forces[i] += d / r * dphi
                    virial = virial + Matrix3(d * d.x, d * d.y, d * d.z) * (0.5 * dphi / r)
                } } }
            }
        }
        let stress = virial * (1 / (s.lattice.volume * eVPerCubicAngstromPerGPa))
        return CalculationResult(energy: energy, forces: forces, stress: properties.contains(.stress) ? stress : nil)
    }

    /// The fcc crystal near its 0 K lattice constant (conventional cell, 4 atoms).
    static func fcc() throws -> Structure {
        let ar = try Element("Ar")
        return Structure(lattice: .cubic(5.3), species: [ar, ar, ar, ar],
                         fracCoords: [.zero, Vec3(0.5, 0.5, 0), Vec3(0.5, 0, 0.5), Vec3(0, 0.5, 0.5)])
    }
}
