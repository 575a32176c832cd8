import Crystal
import Foundation

/// Running sums of a trajectory's summary: the least-squares slope of the total energy against time
/// (energy drift) and the mean and spread of temperature, pressure and volume. Saved with a
/// checkpoint, so a resumed run reports what an uninterrupted one would.
public struct MDStatistics: Codable, Sendable, Equatable {
    /// Energies are taken relative to the first, so the sums keep their precision.
    public var energyOrigin: Double?
    public var count = 0.0, sumT = 0.0, sumE = 0.0, sumTE = 0.0, sumTT = 0.0
    public var temperature = Moments(), pressure = Moments(), volume = Moments()

    /// Count, sum and sum of squares of one quantity.
    public struct Moments: Codable, Sendable, Equatable {
        public var count = 0.0, sum = 0.0, sumSquares = 0.0
        public mutating func add(_ x: Double) { (count, sum, sumSquares) = (count + 1, sum + x, sumSquares + x * x) }
        public var mean: Double { sum / count }
        /// Population standard deviation.
        public var sd: Double { (max(0, sumSquares / count - mean * mean)).squareRoot() }
    }

    public init() {}

    /// Adds a state at `time` (ps); temperature, pressure and volume only when `equilibrated`.
    public mutating func add(_ s: MolecularDynamics.State, time: Double, equilibrated: Bool) {
        let origin = energyOrigin ?? s.totalEnergy
        energyOrigin = origin
        let e = s.totalEnergy - origin
        (count, sumT, sumE, sumTE, sumTT) = (count + 1, sumT + time, sumE + e, sumTE + time * e, sumTT + time * time)
        guard equilibrated else { return }
        temperature.add(s.temperature)
        if let p = s.pressure {
            pressure.add(p)
            volume.add(s.structure.lattice.volume)
        }
    }

    /// Slope of the total energy against time (eV/ps); 0 with fewer than two points.
    public var drift: Double {
        let d = count * sumTT - sumT * sumT
        return count < 2 || d <= 0 ? 0 : (count * sumTE - sumT * sumE) / d
    }
}

/// A trajectory's exact state at a saved step (structure, velocities, statistics) with the settings
/// that made it, so `kiln md` continues a killed run where it stopped and ends as if never stopped.
public struct MDCheckpoint: Codable, Sendable {
    /// The settings of the run (file, model, ensemble, …): a resumed run must have the same.
    public var settings: [String: String]
    public var step: Int
    public var lattice: [[Double]]
    public var species: [String]
    public var frac: [[Double]]
    public var velocities: [[Double]]
    public var statistics: MDStatistics

    public init(settings: [String: String], state: MolecularDynamics.State, statistics: MDStatistics) {
        self.settings = settings
        step = state.step
        lattice = state.structure.lattice.matrix.array
        species = state.structure.sites.map(\.element.symbol)
        frac = state.structure.sites.map { [$0.frac.x, $0.frac.y, $0.frac.z] }
        velocities = state.velocities.map { [$0.x, $0.y, $0.z] }
        self.statistics = statistics
    }

    /// The saved structure and velocities, checked for shape.
    public func restore() throws -> (structure: Structure, velocities: [Vec3]) {
        func vec(_ a: [Double]) throws -> Vec3 {
            guard a.count == 3, a.allSatisfy(\.isFinite) else { throw DynamicsError.badRequest("molecular dynamics checkpoint: a vector is not 3 finite numbers") }
            return Vec3(a[0], a[1], a[2])
        }
        guard lattice.count == 3, frac.count == species.count, velocities.count == species.count, step >= 0 else {
            throw DynamicsError.badRequest("molecular dynamics checkpoint: inconsistent shapes")
        }
        let elements = try species.map { symbol -> Element in
            guard let e = try? Element(symbol) else { throw DynamicsError.badRequest("molecular dynamics checkpoint: unknown element \(symbol)") }
            return e
        }
        let structure = Structure(lattice: Lattice(Matrix3(try vec(lattice[0]), try vec(lattice[1]), try vec(lattice[2]))),
                                  sites: try zip(elements, frac).map { Site($0, try vec($1)) })
        return (structure, try velocities.map(vec))
    }
}
