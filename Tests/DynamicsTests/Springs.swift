import Crystal
import Foundation
import Potentials

/// Harmonic springs k (eV/Å²) of rest length a between atoms closer than 1.2a (through the
/// neighbouring cells): a model with closed-form phonons and cheap forces and stress for the dynamics tests.
struct Springs: Calculator {
    var k = 2.0, a = 2.5
    var name: String { "springs" }

    /// 32 atoms of the fcc crystal at the springs' rest length.
    static func crystal() throws -> Structure {
        try Structure(lattice: .cubic(2.5 * 2.0.squareRoot()), species: Array(repeating: try Element("Al"), count: 4),
                      fracCoords: [.zero, Vec3(0.5, 0.5, 0), Vec3(0.5, 0, 0.5), Vec3(0, 0.5, 0.5)]).supercell(2, 2, 2)
    }
    func calculate(_ s: Structure, properties: Properties) throws -> CalculationResult {
        var energy = 0.0
        var forces = [Vec3](repeating: .zero, count: s.count)
        var virial = Matrix3(.zero, .zero, .zero)
        let cart = s.cartesianCoords
        for i in 0..<s.count {
            for j in 0..<s.count {
                for x in -1...1 { for y in -1...1 { for z in -1...1 {
                    let shift = s.lattice.cartesian(Vec3(Double(x), Double(y), Double(z)))
                    let d = cart[j] + shift - cart[i]
                    let r = norm(d)
                    guard r > 1e-6, r < 1.2 * a else { continue }
                    energy += 0.25 * k * (r - a) * (r - a)
                    forces[i] += d / r * (k * (r - a))
                    virial = virial + Matrix3(d * d.x, d * d.y, d * d.z) * (0.5 * k * (r - a) / r)
                } } }
            }
        }
        // ASE's stress (1/V)·∂E/∂ε in GPa.
        let stress = virial * (1 / (s.lattice.volume * eVPerCubicAngstromPerGPa))
        return CalculationResult(energy: energy, forces: forces, stress: properties.contains(.stress) ? stress : nil)
    }
}
