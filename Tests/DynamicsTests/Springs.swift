import Crystal
import Foundation
import Potentials

/// Harmonic springs k (eV/Å²) of rest length a between atoms closer than 1.2a (through the
/// neighbouring cells): a model with closed-form phonons and cheap forces for the dynamics tests.
struct Springs: Calculator {
    var k = 2.0, a = 2.5
    var name: String { "springs" }
    func calculate(_ s: Structure, properties: Properties) throws -> CalculationResult {
        var energy = 0.0
        var forces = [Vec3](repeating: .zero, count: s.count)
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
                } } }
            }
        }
        return CalculationResult(energy: energy, forces: forces)
    }
}
