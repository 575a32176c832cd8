import Crystal
import Foundation
import Generation
import Matching

/// Particle-swarm structure search (CALYPSO class: Wang, Lv, Zhu & Ma, Phys. Rev. B 82, 094116, 2010).
///
/// Each of `swarmSize` particles is a `WyckoffCell`: a template (space group, Wyckoff orbits and so
/// composition) fixed until the particle is regenerated, and a vector of lattice parameters and free
/// coordinates that moves by the standard update
/// v ← w·v + c1·r1·(pbest − x) + c2·r2·(gbest − x), x ← x + v (r1, r2 uniform per component),
/// with coordinate differences taken to the nearest periodic image and wrapped into [0, 1) (coordinate
/// speeds capped at half a period), and edges and angles kept within `ParticleSwarmMove` bounds.
/// x is the particle's last structure after relaxation when its sites still read back into the
/// template (`WyckoffCell(template:structure:)`), else as proposed; pbest is the particle's best
/// relaxed evaluation since it was (re)generated; gbest is the best relaxed evaluation of any
/// particle with the same template — or, when no other particle has that template, a fresh random
/// cell of the template, so a particle alone in its template explores around its pbest instead of
/// stopping there. Fitness is `Evaluation.fitness`, else E_hull, else energy per atom (lower is better).
///
/// Each round the worst `regenerationShare` of the swarm (by the fitness of each particle's last
/// evaluation; no fitness counts as worst) and every particle without a relaxed evaluation get a new
/// random symmetric cell from `generator` (its space groups, distances, volumes and, for a target of
/// several systems or free composition, its composition draw). A proposal that `matcher` matches to an
/// earlier proposal of the strategy or to a batch-mate, or whose move cannot be spaced
/// (`WyckoffCell.isSpaced` with the generator's `distanceFactor`) within a few draws of r1, r2, is
/// replaced by a regenerated particle; after `maxReplacements` such replacements the particle sits
/// the round out.
///
/// A round proposes for the next min(count, swarmSize) particles in cyclic order. Every proposal's
/// genome is [particle, x…, v…] and its provenance holds the template (`spaceGroup`,
/// `wyckoffPositions`), so the swarm is rebuilt from what the strategy is told.
public struct ParticleSwarmSearch: SearchStrategy {
    public struct Parameters: Sendable, Equatable {
        /// Number of particles.
        public var swarmSize: Int
        /// Inertia weight w, in [0, 1).
        public var inertia: Double
        /// Cognitive coefficient c1 (pull towards the particle's best), ≥ 0.
        public var cognitive: Double
        /// Social coefficient c2 (pull towards the template's best), ≥ 0.
        public var social: Double
        /// Share of the swarm regenerated each round, in [0, 1].
        public var regenerationShare: Double
        /// Draws new particles.
        public var generator: RandomSymmetricGenerator
        /// Decides whether a proposal duplicates another.
        public var matcher: StructureMatcher

        /// Defaults: Clerc's constriction values for w, c1, c2 and CALYPSO's 40 % regeneration.
        public init(swarmSize: Int = 20, inertia: Double = 0.7298, cognitive: Double = 1.49618,
                    social: Double = 1.49618, regenerationShare: Double = 0.4,
                    generator: RandomSymmetricGenerator = RandomSymmetricGenerator(),
                    matcher: StructureMatcher = StructureMatcher()) {
            self.swarmSize = swarmSize
            self.inertia = inertia
            self.cognitive = cognitive
            self.social = social
            self.regenerationShare = regenerationShare
            self.generator = generator
            self.matcher = matcher
        }
    }

    /// A parameter outside its range; `parameter` is the campaign key.
    public struct InvalidParameter: Error, CustomStringConvertible {
        public let parameter: String
        public let reason: String
        public var description: String { "particle_swarm: \(parameter) \(reason)" }
    }

    public var name: String { "particle_swarm" }
    public let target: GenerationTarget
    public let parameters: Parameters
    public let seed: UInt64
    /// Replacements (regenerations after a duplicate or an unspaced move) per particle and round.
    public static let maxReplacements = 10

    private var told: [Told] = []

    /// One earlier proposal as the strategy reads it back.
    struct Told {
        let evaluation: Evaluation
        /// Nil when the provenance does not hold a particle of this strategy.
        let particle: Particle?
        let prepared: PreparedStructure

        struct Particle {
            let index: Int
            let cell: WyckoffCell
            let velocity: [Double]
            /// The position the swarm uses: relaxed when it reads back into the template, else proposed.
            let position: [Double]
        }
    }

    public init(target: GenerationTarget, parameters: Parameters = Parameters(), seed: UInt64) throws {
        let p = parameters
        func check(_ ok: Bool, _ key: String, _ reason: String) throws {
            if !ok { throw InvalidParameter(parameter: key, reason: reason) }
        }
        try check(p.swarmSize >= 1, "swarm_size", "must be at least 1, got \(p.swarmSize)")
        try check(p.inertia >= 0 && p.inertia < 1, "inertia", "must be in [0, 1), got \(p.inertia)")
        try check(p.cognitive >= 0 && p.cognitive.isFinite, "cognitive", "must be finite and ≥ 0, got \(p.cognitive)")
        try check(p.social >= 0 && p.social.isFinite, "social", "must be finite and ≥ 0, got \(p.social)")
        try check((0...1).contains(p.regenerationShare), "regeneration_share",
                  "must be in [0, 1], got \(p.regenerationShare)")
        self.target = target
        self.parameters = parameters
        self.seed = seed
    }

    public mutating func tell(_ evaluations: [Evaluation]) {
        for e in evaluations {
            told.append(Told(evaluation: e, particle: Self.particle(e), prepared: parameters.matcher.prepare(e.initial)))
        }
    }

    /// The particle in an evaluation's provenance (genome [index, x…, v…] and the template).
    private static func particle(_ e: Evaluation) -> Told.Particle? {
        let g = e.provenance.genome
        guard let sg = e.provenance.spaceGroup, g.count % 2 == 1, let first = g.first, first >= 0, first == first.rounded(),
              let template = try? WyckoffCell.Template(spaceGroup: sg, wyckoffPositions: e.provenance.wyckoffPositions),
              template.parameters.count == g.count / 2 else { return nil }
        let n = g.count / 2
        let cell = WyckoffCell(template: template, parameters: Array(g[1...n]))
        let relaxed = e.relaxed.flatMap { WyckoffCell(template: template, structure: $0) }
        return .init(index: Int(first), cell: cell, velocity: Array(g[(n + 1)...]),
                     position: relaxed?.parameters ?? cell.parameters)
    }

    /// Lower is better: the evaluation's fitness, else E_hull, else energy per atom; nil unless relaxed.
    static func fitness(_ e: Evaluation) -> Double? {
        guard e.outcome == .relaxed else { return nil }
        return e.fitness ?? e.eHull ?? e.energyPerAtom
    }

    public mutating func ask(count: Int, round: Int) throws -> [Candidate] {
        guard count > 0 else { return [] }
        var rng = SeededGenerator(seed: SearchSeed.mix(seed, round))
        let swarm = Swarm(told, size: parameters.swarmSize)
        let start = (told.last { $0.particle != nil }?.particle?.index ?? -1) + 1
        let regenerate = swarm.worst(share: parameters.regenerationShare)
        var seen = told.map(\.prepared)
        var batch: [Candidate] = []
        for i in 0..<min(count, parameters.swarmSize) {
            let k = (start + i) % parameters.swarmSize
            var proposal = try regenerate.contains(k) ? nil : move(k, swarm, rng: &rng)
            var replacements = 0
            while proposal == nil || isDuplicate(proposal!.structure, seen) {
                guard replacements < Self.maxReplacements else { proposal = nil; break }
                replacements += 1
                proposal = try fresh(k, rng: &rng, batch: batch)
            }
            guard let p = proposal else { continue }
            seen.append(parameters.matcher.prepare(p.structure))
            batch.append(p)
        }
        return batch
    }

    private func isDuplicate(_ s: Structure, _ seen: [PreparedStructure]) -> Bool {
        let p = parameters.matcher.prepare(s)
        return seen.contains { parameters.matcher.fit(p, $0) }
    }

    /// A new random particle `k` at rest; rethrows the generator's limit with the batch so far.
    private func fresh(_ k: Int, rng: inout SeededGenerator, batch: [Candidate]) throws -> Candidate {
        let cell: WyckoffCell
        do {
            cell = try parameters.generator.cells(target: target, count: 1, seed: rng.next())[0]
        } catch GenerationError.limitReached(let message, _) {
            throw GenerationError.limitReached("particle_swarm: " + message, partial: batch)
        }
        return candidate(k, cell, velocity: Array(repeating: 0, count: cell.parameters.count),
                         operation: "random", parents: [])
    }

    /// Particle `k` moved by the swarm update, or nil when it has no relaxed evaluation since it was
    /// generated or no draw of r1, r2 gives a spaced cell.
    private func move(_ k: Int, _ swarm: Swarm, rng: inout SeededGenerator) throws -> Candidate? {
        guard let last = swarm.latest(k), let pbest = swarm.best(particle: k) else { return nil }
        let template = last.template
        let social = swarm.best(template: template, comparableTo: k)
        let g: [Double]
        if let social {
            g = social.position
        } else {
            let volume = try VolumeEstimator.volume(of: template.composition)
                * Double.random(in: parameters.generator.volumeFactor, using: &rng)
            guard let cell = WyckoffCell.random(template, volume: volume, distanceFactor: parameters.generator.distanceFactor,
                                                placementTries: parameters.generator.placementTries, rng: &rng) else { return nil }
            g = cell.parameters
        }
        let update = ParticleSwarmMove(template: template, inertia: parameters.inertia, cognitive: parameters.cognitive,
                                       social: parameters.social, volume: try VolumeEstimator.volume(of: template.composition))
        for _ in 0..<ParticleSwarmMove.tries {
            let (x, v) = update.step(x: last.position, v: last.velocity, pbest: pbest.position, gbest: g, rng: &rng)
            let cell = WyckoffCell(template: template, parameters: x)
            guard cell.isSpaced(distanceFactor: parameters.generator.distanceFactor) else { continue }
            var parents = [pbest.id]
            if let social, social.id != pbest.id { parents.append(social.id) }
            return candidate(k, cell, velocity: v, operation: "swarm", parents: parents)
        }
        return nil
    }

    private func candidate(_ k: Int, _ cell: WyckoffCell, velocity: [Double], operation: String,
                           parents: [String]) -> Candidate {
        Candidate(structure: cell.structure, provenance: Provenance(
            generator: name, seed: seed, spaceGroup: cell.template.spaceGroup,
            wyckoffPositions: cell.template.wyckoffPositions, operation: operation, parents: parents,
            genome: [Double(k)] + cell.parameters + velocity))
    }
}
