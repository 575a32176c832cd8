import Crystal
import Foundation
import Potentials

/// Molecular dynamics with any calculator, in ASE's units (Å, amu, eV) with time in fs: velocity
/// Verlet (NVE), Langevin dynamics by the BAOAB splitting (NVT; Leimkuhler & Matthews 2013) and,
/// for NPT, the same Langevin thermostat with isotropic stochastic cell rescaling (Bernetti & Bussi
/// 2020), reproducible from a seed and resumable from any saved state (the random numbers of step n
/// depend only on the seed and n).
public struct MolecularDynamics: Sendable {
    public enum Ensemble: Sendable, Equatable {
        case nve
        /// Langevin thermostat at `temperature` K with friction `friction` (1/fs).
        case langevin(temperature: Double, friction: Double)
        /// Langevin thermostat with isotropic stochastic cell rescaling at `pressure` GPa:
        /// `compressibility` (1/GPa) over `barostatTime` (fs) sets how fast the volume follows the
        /// pressure (only their ratio enters the equations of motion).
        case npt(temperature: Double, friction: Double, pressure: Double, compressibility: Double, barostatTime: Double)

        /// The thermostat's temperature and friction, nil for NVE.
        var thermostat: (temperature: Double, friction: Double)? {
            switch self {
            case .nve: return nil
            case .langevin(let t, let g), .npt(let t, let g, _, _, _): return (t, g)
            }
        }
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

    /// Where a trajectory stands: structure, velocities (Å/fs), forces and potential energy there.
    public struct State: Sendable {
        public var structure: Structure
        public var velocities: [Vec3]
        public var forces: [Vec3]
        public var potentialEnergy: Double
        /// Stress (GPa, ASE's sign), computed for NPT only.
        public var stress: Matrix3?
        public var step: Int

        public var masses: [Double] { structure.sites.map(\.element.mass) }
        /// Kinetic energy (eV).
        public var kineticEnergy: Double {
            0.5 * MolecularDynamics.kineticUnit * zip(masses, velocities).reduce(0) { $0 + $1.0 * dot($1.1, $1.1) }
        }
        /// Instantaneous temperature (K) over 3N degrees of freedom (ASE's `get_temperature`).
        public var temperature: Double { 2 * kineticEnergy / (3 * Double(structure.count) * PhysicalConstants.boltzmann) }
        public var totalEnergy: Double { potentialEnergy + kineticEnergy }
        /// Instantaneous pressure (GPa): the virial part −tr σ / 3 plus the kinetic part 2K / 3V; nil without a stress.
        public var pressure: Double? {
            guard let stress else { return nil }
            return -(stress[0, 0] + stress[1, 1] + stress[2, 2]) / 3
                + 2 * kineticEnergy / (3 * structure.lattice.volume) / eVPerCubicAngstromPerGPa
        }
    }

    /// The starting state: forces of `structure`, velocities drawn from Maxwell–Boltzmann at
    /// `temperature` K (zero total momentum, rescaled to exactly that temperature), or at rest.
    public func start(_ structure: Structure, temperature: Double = 0) throws -> State {
        try checkSettings()
        guard temperature >= 0, temperature.isFinite else { throw DynamicsError.badRequest("molecular dynamics: temperature must be ≥ 0 K") }
        var state = try evaluated(structure, velocities: Array(repeating: .zero, count: structure.count), step: 0)
        guard temperature > 0, structure.count > 1 else { return state }
        var rng = SeededGenerator(seed: seed ^ 0x4D44_5354_4152_5400)
        let masses = state.masses
        var v = masses.map { m in Vec3(rng.gaussian(), rng.gaussian(), rng.gaussian()) * (PhysicalConstants.boltzmann * temperature / (m * Self.kineticUnit)).squareRoot() }
        let total = masses.reduce(0, +)
        let momentum = zip(masses, v).reduce(Vec3.zero) { $0 + $1.1 * $1.0 }
        v = v.map { $0 - momentum / total }
        state.velocities = v
        let scale = (temperature / state.temperature).squareRoot()
        state.velocities = v.map { $0 * scale }
        return state
    }

    /// The state at a saved point of a trajectory (structure, velocities and step), forces and stress
    /// computed again: with the exact saved numbers, the run continues as if never stopped.
    public func resume(_ structure: Structure, velocities: [Vec3], step: Int) throws -> State {
        guard velocities.count == structure.count, step >= 0 else {
            throw DynamicsError.badRequest("molecular dynamics: a saved state needs one velocity per atom and a step ≥ 0")
        }
        try checkSettings()
        return try evaluated(structure, velocities: velocities, step: step)
    }

    private func checkSettings() throws {
        guard timestep > 0, timestep <= 10 else { throw DynamicsError.badRequest("molecular dynamics: time step must be in (0, 10] fs") }
        if let (t, g) = ensemble.thermostat, !(t >= 0 && t.isFinite && g > 0 && g.isFinite) {
            throw DynamicsError.badRequest("molecular dynamics: Langevin needs a temperature ≥ 0 K and a friction > 0 per fs")
        }
        if case .npt(_, _, let p, let beta, let tau) = ensemble, !(p.isFinite && beta > 0 && beta.isFinite && tau >= 10 * timestep && tau.isFinite) {
            throw DynamicsError.badRequest("molecular dynamics: NPT needs a finite pressure, a compressibility > 0 per GPa and a barostat time ≥ 10 time steps")
        }
    }

    /// Advances `state` by `steps` steps; `observer` sees every new state.
    public func run(_ state: State, steps: Int, observer: ((State) throws -> Void)? = nil) throws -> State {
        var s = state
        let masses = s.masses
        for _ in 0..<max(0, steps) {
            let dt = timestep
            // B: half kick.
            for i in s.velocities.indices { s.velocities[i] += s.forces[i] * (0.5 * dt * Self.accelerationUnit / masses[i]) }
            if let (temperature, friction) = ensemble.thermostat {
                // A (half drift), O (exact Ornstein–Uhlenbeck step), [C (cell rescaling)], A (half drift).
                drift(&s, dt / 2)
                var rng = Self.noise(seed: seed, step: s.step + 1)
                let c1 = exp(-friction * dt)
                for i in s.velocities.indices {
                    let sigma = ((1 - c1 * c1) * PhysicalConstants.boltzmann * temperature / (masses[i] * Self.kineticUnit)).squareRoot()
                    s.velocities[i] = s.velocities[i] * c1 + Vec3(rng.gaussian(), rng.gaussian(), rng.gaussian()) * sigma
                }
                if case .npt(_, _, let pressure, let beta, let tau) = ensemble {
                    try rescaleCell(&s, temperature: temperature, pressure: pressure, rate: beta / tau, noise: rng.gaussian())
                }
                drift(&s, dt / 2)
            } else {
                drift(&s, dt)
            }
            let next = try evaluated(s.structure, velocities: s.velocities, step: s.step)
            (s.potentialEnergy, s.forces, s.stress) = (next.potentialEnergy, next.forces, next.stress)
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

    /// Stochastic cell rescaling (Bernetti & Bussi 2020, isotropic) over one step, in ε = ln V:
    /// dε = (β/τ)(P_int − P₀) dt + √(2 k_B T β dt / (V τ)) ξ, positions scaled with the cell
    /// (fractional coordinates kept) and velocities by the inverse factor. Its stationary density is
    /// exp(−(E + P₀V)/k_B T) over positions, momenta and V, the isothermal–isobaric ensemble. The stress
    /// is the one at the start of the step (half a drift behind, a splitting error of order dt).
    private func rescaleCell(_ s: inout State, temperature: Double, pressure: Double, rate: Double, noise: Double) throws {
        guard let internalPressure = s.pressure else {
            throw DynamicsError.calculation("molecular dynamics: NPT needs the stress, which \(calculator.name) did not return")
        }
        let volume = s.structure.lattice.volume
        let thermal = PhysicalConstants.boltzmann * temperature / volume / eVPerCubicAngstromPerGPa
        let step = rate * (internalPressure - pressure) * timestep + (2 * thermal * rate * timestep).squareRoot() * noise
        guard abs(step) < 0.25 else {
            throw DynamicsError.calculation(String(format: "molecular dynamics: the volume changed by %.0f %% in one step (pressure %.3g GPa); "
                + "use a smaller compressibility, a longer barostat time or a smaller time step", 100 * expm1(abs(step)), internalPressure))
        }
        let factor = exp(step / 3)
        s.structure = Structure(lattice: Lattice(s.structure.lattice.matrix * factor), sites: s.structure.sites)
        s.velocities = s.velocities.map { $0 / factor }
    }

    /// A state at `structure` with its energy, forces and (for NPT) stress.
    private func evaluated(_ structure: Structure, velocities: [Vec3], step: Int) throws -> State {
        let npt: Bool
        if case .npt = ensemble { npt = true } else { npt = false }
        let r = try calculator.calculate(structure, properties: npt ? [.energy, .forces, .stress] : [.energy, .forces])
        guard r.energy.isFinite, r.forces.count == structure.count,
              r.forces.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            throw DynamicsError.calculation("molecular dynamics: \(calculator.name) returned no finite energy and forces")
        }
        if npt, !(r.stress?.array.joined().allSatisfy(\.isFinite) ?? false) {
            throw DynamicsError.calculation("molecular dynamics: NPT needs a finite stress, which \(calculator.name) did not return")
        }
        return State(structure: structure, velocities: velocities, forces: r.forces, potentialEnergy: r.energy, stress: npt ? r.stress : nil, step: step)
    }
}
