import Crystal
import Foundation
import Potentials

/// Molecular dynamics with any calculator, in ASE's units (Å, amu, eV) with time in fs: velocity
/// Verlet (NVE) and Langevin dynamics by the BAOAB splitting (NVT; Leimkuhler & Matthews 2013),
/// reproducible from a seed and resumable from any saved state (the random numbers of step n
/// depend only on the seed and n).
public struct MolecularDynamics: Sendable {
    public enum Ensemble: Sendable, Equatable {
        case nve
        /// Langevin thermostat at `temperature` K with friction `friction` (1/fs).
        case langevin(temperature: Double, friction: Double)
    }

    public var calculator: any Calculator
    /// Time step (fs).
    public var timestep: Double
    public var ensemble: Ensemble
    public var seed: UInt64

    public init(calculator: any Calculator, timestep: Double = 1, ensemble: Ensemble = .nve, seed: UInt64 = 0) {
        (self.calculator, self.timestep, self.ensemble, self.seed) = (calculator, timestep, ensemble, seed)
    }

    /// Å/fs² per eV/(Å·amu): (1.602e-19 J / 1e-10 m) / 1.661e-27 kg = 9.65e17 m/s² = 9.65e-3 Å/fs².
    public static let accelerationUnit = 1.602176634e-19 / 1.66053906660e-27 * 1e-10
    /// eV per amu·Å²/fs².
    public static let kineticUnit = 1.66053906660e-27 * 1e10 / 1.602176634e-19
    /// Boltzmann's constant (eV/K).
    public static let boltzmann = 8.617333262e-5

    /// Where a trajectory stands: structure, velocities (Å/fs), forces and potential energy there.
    public struct State: Sendable {
        public var structure: Structure
        public var velocities: [Vec3]
        public var forces: [Vec3]
        public var potentialEnergy: Double
        public var step: Int

        public var masses: [Double] { structure.sites.map(\.element.mass) }
        /// Kinetic energy (eV).
        public var kineticEnergy: Double {
            0.5 * MolecularDynamics.kineticUnit * zip(masses, velocities).reduce(0) { $0 + $1.0 * dot($1.1, $1.1) }
        }
        /// Instantaneous temperature (K) over 3N degrees of freedom (ASE's `get_temperature`).
        public var temperature: Double { 2 * kineticEnergy / (3 * Double(structure.count) * MolecularDynamics.boltzmann) }
        public var totalEnergy: Double { potentialEnergy + kineticEnergy }
    }

    /// The starting state: forces of `structure`, velocities drawn from Maxwell–Boltzmann at
    /// `temperature` K (zero total momentum, rescaled to exactly that temperature), or at rest.
    public func start(_ structure: Structure, temperature: Double = 0) throws -> State {
        guard timestep > 0, timestep <= 10 else { throw DynamicsError.badRequest("molecular dynamics: time step must be in (0, 10] fs") }
        guard temperature >= 0, temperature.isFinite else { throw DynamicsError.badRequest("molecular dynamics: temperature must be ≥ 0 K") }
        if case .langevin(let t, let g) = ensemble, !(t >= 0 && g > 0 && g.isFinite) {
            throw DynamicsError.badRequest("molecular dynamics: Langevin needs a temperature ≥ 0 K and a friction > 0 per fs")
        }
        let (energy, forces) = try evaluate(structure)
        var state = State(structure: structure, velocities: Array(repeating: .zero, count: structure.count), forces: forces,
                          potentialEnergy: energy, step: 0)
        guard temperature > 0, structure.count > 1 else { return state }
        var rng = SeededGenerator(seed: seed ^ 0x4D44_5354_4152_5400)
        let masses = state.masses
        var v = masses.map { m in Vec3(rng.gaussian(), rng.gaussian(), rng.gaussian()) * (Self.boltzmann * temperature / (m * Self.kineticUnit)).squareRoot() }
        let total = masses.reduce(0, +)
        let momentum = zip(masses, v).reduce(Vec3.zero) { $0 + $1.1 * $1.0 }
        v = v.map { $0 - momentum / total }
        state.velocities = v
        let scale = (temperature / state.temperature).squareRoot()
        state.velocities = v.map { $0 * scale }
        return state
    }

    /// Advances `state` by `steps` steps; `observer` sees every new state.
    public func run(_ state: State, steps: Int, observer: ((State) throws -> Void)? = nil) throws -> State {
        var s = state
        let masses = s.masses
        for _ in 0..<max(0, steps) {
            let dt = timestep
            // B: half kick.
            for i in s.velocities.indices { s.velocities[i] += s.forces[i] * (0.5 * dt * Self.accelerationUnit / masses[i]) }
            switch ensemble {
            case .nve:
                drift(&s, dt)
            case .langevin(let temperature, let friction):
                // A (half drift), O (exact Ornstein–Uhlenbeck step), A (half drift).
                drift(&s, dt / 2)
                var rng = Self.noise(seed: seed, step: s.step + 1)
                let c1 = exp(-friction * dt)
                for i in s.velocities.indices {
                    let sigma = ((1 - c1 * c1) * Self.boltzmann * temperature / (masses[i] * Self.kineticUnit)).squareRoot()
                    s.velocities[i] = s.velocities[i] * c1 + Vec3(rng.gaussian(), rng.gaussian(), rng.gaussian()) * sigma
                }
                drift(&s, dt / 2)
            }
            (s.potentialEnergy, s.forces) = try evaluate(s.structure)
            // B: half kick with the new forces.
            for i in s.velocities.indices { s.velocities[i] += s.forces[i] * (0.5 * dt * Self.accelerationUnit / masses[i]) }
            s.step += 1
            try observer?(s)
        }
        return s
    }

    /// The random numbers of one step: SplitMix64 seeded by a hash of (seed, step). (Seeding it
    /// with seed + step·φ directly would make step n + 1's stream step n's shifted by one number:
    /// SplitMix64 itself adds φ per draw.)
    static func noise(seed: UInt64, step: Int) -> SeededGenerator {
        var hash = SeededGenerator(seed: seed ^ (UInt64(step) &* 0xD1B5_4A32_D192_ED03))
        return SeededGenerator(seed: hash.next())
    }

    private func drift(_ s: inout State, _ dt: Double) {
        for i in s.structure.sites.indices {
            s.structure.sites[i].frac = s.structure.sites[i].frac + s.structure.lattice.fractional(s.velocities[i] * dt)
        }
    }

    private func evaluate(_ structure: Structure) throws -> (Double, [Vec3]) {
        let r = try calculator.calculate(structure, properties: [.energy, .forces])
        guard r.energy.isFinite, r.forces.count == structure.count,
              r.forces.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            throw DynamicsError.calculation("molecular dynamics: \(calculator.name) returned no finite energy and forces")
        }
        return (r.energy, r.forces)
    }
}
