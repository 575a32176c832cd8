import Crystal
import Generation

/// The proposal half of the RL-versus-random composition comparison: each method proposes `count`
/// distinct compositions of a target, and each composition gets a few structures (substitution
/// proposals at that composition and random symmetric ones) to be relaxed and placed on the hull;
/// a composition counts as a hit when its best structure ends within 0.1 eV/atom of the hull.
/// `kiln benchmark rl-composition` runs it and relaxes the structures.
public enum RLCompositionBenchmark {
    public enum Method: String, Sendable, CaseIterable {
        case policyGradient = "policy_gradient"
        case deepQ = "deep_q"
        /// Uniform over the reduced compositions the agents' episodes can reach.
        case random
    }

    /// One proposed composition with its predicted E_hull and the structures to relax.
    public struct Proposal: Sendable {
        public var method: Method
        public var composition: Composition
        /// `PredictedHullEnergy` at the composition (eV/atom).
        public var predictedEHull: Double?
        public var structures: [Candidate]
    }

    /// Proposals of `method` (the agents train with `parameters`, round 0, no history), each with up
    /// to `substitutions` substitution and `randomStructures` random symmetric structures.
    public static func propose(_ method: Method, target: GenerationTarget, parameters: RLCompositionSearch.Parameters,
                               count: Int, seed: UInt64, predictor: PredictedHullEnergy,
                               substitutions: Int, randomStructures: Int) throws -> [Proposal] {
        let compositions: [Composition]
        switch method {
        case .random:
            let environment = try CompositionEnvironment(target: target, steps: parameters.steps, maxAmount: parameters.maxAmount)
            var rng = SeededGenerator(seed: seed)
            compositions = Array(environment.reachableCompositions().shuffled(using: &rng).prefix(count))
        case .policyGradient, .deepQ:
            var p = parameters
            p.agent = method == .policyGradient ? .policyGradient : .deepQ
            let search = try RLCompositionSearch(target: target, parameters: p, seed: seed, predictor: predictor)
            compositions = search.compositions(count: count, round: 0).map(\.composition)
        }
        return try compositions.enumerated().map { i, c in
            let one = try GenerationTarget(compositions: [c], maxAtoms: target.maxAtoms)
            let s = SearchSeed.mix(seed, i)
            var structures = try SubstitutionGenerator().generate(target: one, budget: substitutions, seed: s)
            do {
                structures += try RandomSymmetricGenerator().generate(target: one, budget: randomStructures, seed: s)
            } catch GenerationError.limitReached(_, let partial) {
                structures += partial
            }
            return Proposal(method: method, composition: c, predictedEHull: predictor.energyAboveHull(c), structures: structures)
        }
    }
}
