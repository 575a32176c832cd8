import Crystal
import Generation
import Matching

/// Evolutionary crystal-structure search (the USPEX / XtalOpt scheme) as an ask/tell strategy, for
/// a fixed composition (`GenerationTarget.formulas`) or any composition of the target's systems.
///
/// The first generation is random symmetric (`RandomSymmetricGenerator`), optionally led by
/// substitution seeds. Later generations breed from the population: the best
/// `populationSize` relaxed structures told so far, ranked by fitness (`Evaluation.fitness`, else
/// E_hull, else energy per atom; lower is better), skipping any that the structure matcher finds
/// equal to a fitter one. Parents are the relaxed structures (Lamarckian, as USPEX) chosen by
/// tournament; the population keeps the best found so far (elitism) and they are never proposed
/// again. Operators (`Variation`): heredity between parents of one system and cell size, lattice
/// strain, permutation, perturbation, transmutation (variable composition only) and random
/// injection. A child outside the target or equal (`StructureMatcher`) to a population member or
/// an earlier child of the batch is discarded (niching); after `attemptsPerChild` × `count`
/// operator applications the rest of the batch is random injection (fewer when even random
/// structures keep matching).
public struct EvolutionarySearch: SearchStrategy {
    public var name: String { "evolutionary" }
    public let target: GenerationTarget
    public let parameters: EvolutionParameters
    public let seed: UInt64
    /// Makes the first generation and the injected structures.
    public let random: RandomSymmetricGenerator
    /// Makes the substitution seeds of the first generation.
    public let substitution: SubstitutionGenerator
    private let matcher = StructureMatcher()
    private let variation: Variation
    /// Element sets of the target's systems.
    private let systems: Set<Set<Element>>
    private var told: [Evaluation] = []
    /// Calls of the random generator (each for twice the places left) to fill a batch with
    /// structures unlike the rest; random symmetric structures of a small cell often coincide.
    private static let injectionCalls = 3

    /// A relaxed structure of the population, with its evaluation id and matcher form.
    struct Member {
        let id: String
        let structure: Structure
        let prepared: PreparedStructure
    }

    /// Throws `GenerationError.invalidTarget` for unusable parameters (`EvolutionParameters.validate`).
    public init(target: GenerationTarget, parameters: EvolutionParameters = EvolutionParameters(), seed: UInt64,
                random: RandomSymmetricGenerator = RandomSymmetricGenerator(),
                substitution: SubstitutionGenerator = SubstitutionGenerator()) throws {
        try parameters.validate()
        self.target = target
        self.parameters = parameters
        self.seed = seed
        self.random = random
        self.substitution = substitution
        var variation = Variation()
        variation.strainSigma = parameters.strainSigma
        variation.displacement = parameters.displacement
        self.variation = variation
        systems = Set(target.systems.map(Set.init))
    }

    public mutating func tell(_ evaluations: [Evaluation]) { told += evaluations }

    public mutating func ask(count: Int, round: Int) throws -> [Candidate] {
        guard count > 0 else { return [] }
        let roundSeed = SearchSeed.mix(seed, round)
        var rng = SeededGenerator(seed: roundSeed)
        let population = population()
        var batch = Batch(members: population.map(\.prepared), matcher: matcher)
        if population.isEmpty {
            if told.isEmpty && parameters.substitutionSeeds > 0 {
                for c in try substitution.generate(target: target, budget: min(count, parameters.substitutionSeeds), seed: seed)
                where fits(c.structure) {
                    var provenance = c.provenance
                    provenance.generator = name
                    provenance.operation = "substitution"
                    batch.add(Candidate(structure: c.structure, provenance: provenance))
                }
            }
        } else {
            try breed(population, count: count, seed: roundSeed, into: &batch, rng: &rng)
        }
        let operation = population.isEmpty ? "random" : EvolutionParameters.Operator.injection.rawValue
        for _ in 0..<Self.injectionCalls where batch.candidates.count < count {
            for c in try randomStructures(2 * (count - batch.candidates.count), seed: rng.next())
            where batch.candidates.count < count {
                var provenance = c.provenance
                provenance.generator = name
                provenance.seed = roundSeed
                provenance.operation = operation
                batch.add(Candidate(structure: c.structure, provenance: provenance))
            }
        }
        return batch.candidates
    }

    /// Children of the population until the batch holds `count` (less the injections drawn) or
    /// the attempts run out.
    private func breed(_ population: [Member], count: Int, seed: UInt64, into batch: inout Batch,
                       rng: inout SeededGenerator) throws {
        let operators = EvolutionParameters.Operator.allCases.filter {
            parameters.rate($0) > 0 && ($0 != .transmutation || target.formulas.isEmpty)
        }
        let total = operators.reduce(0) { $0 + parameters.rate($1) }
        guard total > 0 else { return }
        var injections = 0
        for _ in 0..<(count * parameters.attemptsPerChild) where batch.candidates.count + injections < count {
            var draw = Double.random(in: 0..<total, using: &rng)
            let op = operators.first { draw -= parameters.rate($0); return draw < 0 } ?? operators[operators.count - 1]
            let a = select(Array(population.indices), rng: &rng)
            var parents = [population[a]]
            let child: Structure?
            switch op {
            case .injection:
                injections += 1
                continue
            case .heredity:
                let mates = population.indices.filter {
                    $0 != a && population[$0].structure.count == parents[0].structure.count
                        && Set(population[$0].structure.elements) == Set(parents[0].structure.elements)
                }
                guard !mates.isEmpty else { continue }
                parents.append(population[select(mates, rng: &rng)])
                child = try variation.heredity(parents[0].structure, parents[1].structure, rng: &rng)
            case .strain: child = variation.strained(parents[0].structure, rng: &rng)
            case .permutation: child = variation.permuted(parents[0].structure, rng: &rng)
            case .perturbation: child = variation.perturbed(parents[0].structure, rng: &rng)
            case .transmutation: child = transmuted(parents[0].structure, rng: &rng)
            }
            guard let child, fits(child) else { continue }
            batch.add(Candidate(structure: child, provenance: Provenance(
                generator: name, seed: seed, operation: op.rawValue, parents: parents.map(\.id))))
        }
    }

    /// Tournament selection: the fittest of `tournamentSize` entrants drawn (with replacement)
    /// from `indices` (population indices, fittest first).
    private func select(_ indices: [Int], rng: inout SeededGenerator) -> Int {
        (0..<parameters.tournamentSize).map { _ in indices[Int.random(in: 0..<indices.count, using: &rng)] }.min()!
    }

    /// One atom changed to another element of a target system containing the structure's
    /// elements, so that the child stays within the target; nil when no change does.
    private func transmuted(_ s: Structure, rng: inout SeededGenerator) -> Structure? {
        let present = Set(s.elements)
        let reachable = Set(target.systems.filter { present.isSubset(of: $0) }.joined()).sorted { $0.symbol < $1.symbol }
        let changes = present.sorted { $0.symbol < $1.symbol }
            .flatMap { from in reachable.filter { $0 != from }.map { (from, $0) } }
            .shuffled(using: &rng)
        for (from, to) in changes {
            let sites = s.sites.indices.filter { s.sites[$0].element == from }
            let i = sites[Int.random(in: 0..<sites.count, using: &rng)]
            var child = s
            child.sites[i] = Site(to, s.sites[i].frac)
            if fits(child) { return child }
        }
        return nil
    }

    /// Random symmetric structures of the target (what the generator made before a limit stopped it).
    private func randomStructures(_ count: Int, seed: UInt64) throws -> [Candidate] {
        guard count > 0 else { return [] }
        do { return try random.generate(target: target, budget: count, seed: seed) } catch GenerationError.limitReached(_, let partial) {
            return partial
        }
    }

    /// True when the structure is a candidate of the target: ordered, at most `maxAtoms` sites, and
    /// of a target formula, or else of a target system and (when required) charge balanced.
    private func fits(_ s: Structure) -> Bool {
        guard s.count <= target.maxAtoms, s.isOrdered else { return false }
        if !target.formulas.isEmpty { return target.formulas.contains(s.reducedFormula) }
        return systems.contains(Set(s.elements))
            && (!target.requireChargeBalance || ChargeBalance.isNeutral(s.composition, states: target.oxidationStates))
    }

    /// The best `populationSize` relaxed structures told so far, fittest first (ties in told
    /// order), each distinct from every fitter one.
    func population() -> [Member] {
        let ranked = told.indices.compactMap { i -> (score: Double, index: Int)? in
            let e = told[i]
            guard e.outcome == .relaxed, let s = e.relaxed, fits(s),
                  let score = e.fitness ?? e.eHull ?? e.energyPerAtom, score.isFinite else { return nil }
            return (score, i)
        }.sorted { ($0.score, $0.index) < ($1.score, $1.index) }
        var members: [Member] = []
        for (_, i) in ranked where members.count < parameters.populationSize {
            let prepared = matcher.prepare(told[i].relaxed!)
            if !members.contains(where: { matcher.fit($0.prepared, prepared) }) {
                members.append(Member(id: told[i].id, structure: told[i].relaxed!, prepared: prepared))
            }
        }
        return members
    }
}

/// A batch of children that keeps only structures unlike the population and each other.
private struct Batch {
    var members: [PreparedStructure]
    let matcher: StructureMatcher
    var candidates: [Candidate] = []

    init(members: [PreparedStructure], matcher: StructureMatcher) {
        self.members = members
        self.matcher = matcher
    }

    /// Adds the candidate unless it matches a population member or an earlier child.
    mutating func add(_ c: Candidate) {
        let prepared = matcher.prepare(c.structure)
        guard !members.contains(where: { matcher.fit($0, prepared) }) else { return }
        members.append(prepared)
        candidates.append(c)
    }
}
