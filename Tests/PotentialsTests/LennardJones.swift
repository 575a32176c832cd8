import Crystal
import Foundation
import Potentials

/// A truncated, shifted Lennard-Jones pair potential with analytic forces and stress, used to
/// test the relaxation machinery without a learned potential.
struct LennardJones: Calculator {
    var epsilon = 1.0
    var sigma = 2.0
    var cutoff = 2.7
    var name: String { "Lennard-Jones" }

    func pair(_ r: Double) -> (energy: Double, derivative: Double) {
        func phi(_ r: Double) -> Double { let x = pow(sigma / r, 6); return 4 * epsilon * (x * x - x) }
        let x = pow(sigma / r, 6)
        return (phi(r) - phi(cutoff), 4 * epsilon * (-12 * x * x + 6 * x) / r)
    }

    func calculate(_ s: Structure, properties: Properties) throws -> CalculationResult {
        var energy = 0.0
        var forces = [Vec3](repeating: .zero, count: s.count)
        var virial = Matrix3(.zero, .zero, .zero)
        NeighborList.forEachPair(in: s, cutoff: cutoff) { i, j, image, r in
            let v = s.lattice.cartesian(s.sites[j].frac - s.sites[i].frac
                + Vec3(Double(image.x), Double(image.y), Double(image.z)))
            let (e, de) = pair(r)
            energy += 0.5 * e
            forces[i] += v * (de / r)
            let w = v * (0.5 * de / r)
            virial = virial + Matrix3(w * v.x, w * v.y, w * v.z)
        }
        let stress = virial * (160.21766208 / s.volume)
        return CalculationResult(energy: energy, forces: forces, stress: stress)
    }
}

/// Calculators that misbehave on purpose.
struct ConstantForce: Calculator {
    var name: String { "constant force" }
    func calculate(_ s: Structure, properties: Properties) throws -> CalculationResult {
        let pos = s.cartesianCoords
        let f = Vec3(0.3, 0, 0)
        return CalculationResult(energy: -pos.reduce(0) { $0 + dot($1, f) },
                                 forces: Array(repeating: f, count: s.count), stress: Matrix3(.zero, .zero, .zero))
    }
}

/// Wraps a calculator and returns NaN from call `failAt` on.
struct NaNAfter<C: Calculator>: Calculator {
    var inner: C
    var failAt: Int
    let calls = Counter()
    var name: String { "NaN after \(failAt)" }
    func calculate(_ s: Structure, properties: Properties) throws -> CalculationResult {
        var r = try inner.calculate(s, properties: properties)
        if calls.increment() >= failAt { r.energy = .nan }
        return r
    }
}

final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}

/// A cell under constant compressive stress: the cell grows without bound.
struct Expanding: Calculator {
    var name: String { "expanding" }
    func calculate(_ s: Structure, properties: Properties) throws -> CalculationResult {
        CalculationResult(energy: -s.volume, forces: Array(repeating: .zero, count: s.count),
                          stress: Matrix3.identity * -160.21766208)
    }
}

/// Two atoms tied by a zero-length spring: they collapse onto each other.
struct Spring: Calculator {
    var name: String { "spring" }
    func calculate(_ s: Structure, properties: Properties) throws -> CalculationResult {
        let (_, image) = s.lattice.minimumImage(s.sites[1].frac - s.sites[0].frac)
        let d = s.lattice.cartesian(s.sites[1].frac + Vec3(Double(image.x), Double(image.y), Double(image.z)) - s.sites[0].frac)
        return CalculationResult(energy: dot(d, d), forces: [d * 2, d * -2], stress: Matrix3(.zero, .zero, .zero))
    }
}

extension Structure {
    /// Conventional fcc cell of one element.
    static func fcc(_ a: Double, element: String = "Ar") -> Structure {
        Structure(lattice: .cubic(a), species: Array(repeating: try! Element(element), count: 4),
                  fracCoords: [Vec3(0, 0, 0), Vec3(0.5, 0.5, 0), Vec3(0.5, 0, 0.5), Vec3(0, 0.5, 0.5)])
    }
}
