import Crystal
import Foundation
import Matching
import Potentials

/// Whether a relaxed crystal survives heating: a Langevin anneal (NVT) of a supercell at
/// `temperature` for `time`, then a quench (full relaxation of the last snapshot) compared with the
/// starting relaxed crystal.
///
/// Measures: the mean-square displacement from the starting sites at the end of the anneal, the
/// Lindemann ratio (root-mean-square excursion about each atom's mean position over the second half
/// of the anneal, over the mean nearest-neighbour distance), and g(r) of the start, the hot crystal
/// and the quenched one. Verdict, in this order:
/// - `melted` when the Lindemann ratio exceeds `lindemannLimit` (0.1: the Lindemann criterion puts
///   melting at 0.1–0.15, but soft ionic solids pass 0.1 well below it) and the atoms diffuse: the
///   MSD averaged over the last quarter of the anneal exceeds `growthLimit` (1.5) times that over
///   the second quarter (a solid's MSD levels off at its vibrations, ratio about 1; a liquid's grows
///   as 6Dt, ratio 7/3);
/// - `robust` when the quenched structure matches the start (`StructureMatcher` defaults);
/// - `amorphised` when it does not and the quenched g(r) keeps under `orderLimit` (0.3) of the
///   start's long-range order ∫(g − 1)² dr beyond 1.5 nearest-neighbour distances;
/// - `transformed` otherwise (another ordered structure; its energy is reported).
public struct ThermalRobustness: Sendable {
    public var calculator: any Calculator
    /// Anneal temperature (K).
    public var temperature = 1000.0
    /// Anneal time (ps).
    public var time = 2.0
    /// Time step (fs).
    public var timestep = 2.0
    /// Langevin friction (1/fs).
    public var friction = 0.02
    public var seed: UInt64 = 0
    /// The supercell's smallest perpendicular width (Å).
    public var minimumWidth = 8.0
    /// The supercell's largest atom count (a guard on cost).
    public var maximumAtoms = 400
    public var lindemannLimit = 0.1
    public var growthLimit = 1.5
    public var orderLimit = 0.3
    public var matcher = StructureMatcher()
    /// Relaxations (start and quench): FIRE with the cell, forces below 0.05 eV/Å.
    public var relaxer: Relaxer

    public init(calculator: any Calculator) {
        self.calculator = calculator
        relaxer = Relaxer(calculator: calculator)
        relaxer.maxSteps = 1000
    }

    public enum Verdict: String, Sendable, Codable { case robust, transformed, amorphised, melted }

    public struct Result: Sendable {
        public var verdict: Verdict
        /// The relaxed starting supercell and the quenched one.
        public var start: Structure
        public var quenched: Structure
        public var steps: Int
        /// Mean temperature (K) over the second half of the anneal.
        public var meanTemperature: Double
        /// Mean-square displacement (Å²) from the starting sites over the last quarter of the anneal (centre of mass removed).
        public var msd: Double
        /// The MSD over the last quarter of the anneal over that over the second quarter.
        public var msdGrowth: Double
        /// Mean-square excursion (Å²) about each atom's mean position over the second half.
        public var excursion: Double
        public var lindemann: Double
        /// Mean nearest-neighbour distance of the start (Å).
        public var nearestNeighbour: Double
        public var rdfStart: RadialDistribution
        public var rdfHot: RadialDistribution
        public var rdfQuenched: RadialDistribution
        /// Long-range order of the quenched g(r) over the start's.
        public var orderRatio: Double
        public var matches: Bool
        /// Energies (eV/atom) of the relaxed start and of the quenched structure.
        public var startEnergy: Double
        public var quenchedEnergy: Double

        /// One line: verdict and numbers.
        public var summary: String {
            String(format: "%@: MSD %.3f Å² (×%.2f of the second quarter's), Lindemann %.3f, g(r) order kept %.2f, %@, quenched %+.1f meV/atom",
                   verdict.rawValue, msd, msdGrowth, lindemann, orderRatio, matches ? "same structure after quench" : "another structure after quench",
                   1000 * (quenchedEnergy - startEnergy))
        }
    }

    /// The verdict on `structure` (relaxed first; a supercell of it is annealed).
    public func assess(_ structure: Structure, progress: ((Int, Int) -> Void)? = nil) throws -> Result {
        guard temperature > 0, temperature.isFinite, time > 0, time.isFinite, timestep > 0, timestep <= 10 else {
            throw DynamicsError.badRequest("thermal robustness: temperature, time and time step must be > 0 (time step ≤ 10 fs)")
        }
        let steps = Int((time * 1000 / timestep).rounded())
        guard steps >= 20 else { throw DynamicsError.badRequest("thermal robustness: the anneal needs at least 20 steps of \(timestep) fs") }
        let relaxed = try relax(structure, "the starting structure")
        let widths = relaxed.lattice.interplanarSpacings
        let reps = (0..<3).map { max(1, Int((minimumWidth / widths[$0]).rounded(.up))) }
        let atoms = relaxed.count * reps.reduce(1, *)
        guard atoms <= maximumAtoms else {
            throw DynamicsError.tooLarge("thermal robustness: a \(reps.map(String.init).joined(separator: "×")) supercell of \(atoms) atoms is over \(maximumAtoms)")
        }
        let start = try relaxed.supercell(reps[0], reps[1], reps[2])
        let startEnergy = try calculator.calculate(start, properties: [.energy]).energy / Double(start.count)
        let nearest = Self.nearestNeighbourDistance(start)

        let md = MolecularDynamics(calculator: calculator, timestep: timestep, ensemble: .langevin(temperature: temperature, friction: friction), seed: seed)
        let origin = start.cartesianCoords, masses = start.sites.map(\.element.mass), total = masses.reduce(0, +)
        // Unwrapped displacements from the start (fractional coordinates are never wrapped during MD), centre of mass removed.
        func displacements(_ s: Structure) -> [Vec3] {
            let d = zip(s.cartesianCoords, origin).map { $0 - $1 }
            let com = zip(masses, d).reduce(Vec3.zero) { $0 + $1.1 * $1.0 } / total
            return d.map { $0 - com }
        }
        var sum = [Vec3](repeating: .zero, count: start.count), sumSquares = [Double](repeating: 0, count: start.count)
        var samples = 0, temperatures = 0.0, snapshots: [Structure] = []
        var msdMiddle = (sum: 0.0, count: 0.0), msdEnd = (sum: 0.0, count: 0.0)
        func msd(_ s: Structure) -> Double { displacements(s).map { dot($0, $0) }.reduce(0, +) / Double(start.count) }
        let half = steps / 2, stride = max(1, (steps - half) / 20)
        let end = try md.run(try md.start(start, temperature: temperature), steps: steps) { s in
            progress?(s.step, steps)
            if 4 * s.step > steps && 2 * s.step <= steps { msdMiddle = (msdMiddle.sum + msd(s.structure), msdMiddle.count + 1) }
            if 4 * s.step > 3 * steps { msdEnd = (msdEnd.sum + msd(s.structure), msdEnd.count + 1) }
            guard s.step > half else { return }
            let d = displacements(s.structure)
            for i in d.indices { sum[i] += d[i]; sumSquares[i] += dot(d[i], d[i]) }
            samples += 1
            temperatures += s.temperature
            if (steps - s.step) % stride == 0 { snapshots.append(s.structure) }
        }
        let n = Double(samples)
        let fluctuation = sum.indices.map { i in sumSquares[i] / n - dot(sum[i] / n, sum[i] / n) }.reduce(0, +) / Double(start.count)
        let lindemann = max(0, fluctuation).squareRoot() / nearest
        let finalMSD = msdEnd.sum / msdEnd.count, growth = finalMSD / max(1e-12, msdMiddle.sum / msdMiddle.count)

        let quenched = try relax(end.structure, "the quench")
        let quenchedEnergy = try calculator.calculate(quenched, properties: [.energy]).energy / Double(quenched.count)
        let rdfStart = RadialDistribution([start]), rdfQuenched = RadialDistribution([quenched])
        let orderRatio = rdfQuenched.order(from: 1.5 * nearest) / max(1e-12, rdfStart.order(from: 1.5 * nearest))
        let matches = matcher.fit(start, quenched)
        let melted = lindemann > lindemannLimit && growth > growthLimit
        let verdict: Verdict = melted ? .melted : matches ? .robust : orderRatio < orderLimit ? .amorphised : .transformed
        return Result(verdict: verdict, start: start, quenched: quenched, steps: steps, meanTemperature: temperatures / n, msd: finalMSD, msdGrowth: growth,
                      excursion: fluctuation, lindemann: lindemann, nearestNeighbour: nearest, rdfStart: rdfStart, rdfHot: RadialDistribution(snapshots),
                      rdfQuenched: rdfQuenched, orderRatio: orderRatio, matches: matches, startEnergy: startEnergy, quenchedEnergy: quenchedEnergy)
    }

    private func relax(_ s: Structure, _ what: String) throws -> Structure {
        let r = try relaxer.relax(s)
        if case .failed(let why) = r.outcome { throw DynamicsError.calculation("thermal robustness: relaxing \(what) failed: \(why)") }
        return r.final.structure
    }

    /// The mean over atoms of the distance to the nearest other atom (periodic images included).
    static func nearestNeighbourDistance(_ s: Structure) -> Double {
        let rdfReach = 6.0
        var total = 0.0
        let cart = s.cartesianCoords
        let reach = (0..<3).map { Int(rdfReach / s.lattice.interplanarSpacings[$0]) + 1 }
        for i in 0..<s.count {
            var best = Double.infinity
            for j in 0..<s.count {
                for x in -reach[0]...reach[0] { for y in -reach[1]...reach[1] { for z in -reach[2]...reach[2] {
                    let d = norm(cart[j] + s.lattice.cartesian(Vec3(Double(x), Double(y), Double(z))) - cart[i])
                    if d > 1e-8 { best = min(best, d) }
                } } }
            }
            total += best
        }
        return total / Double(s.count)
    }
}
