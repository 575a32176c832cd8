import Crystal
import Generation

/// An RL agent that builds compositions in a few steps (`CompositionEnvironment`), trained on
/// `CompositionReward`, whose compositions go to `RandomSymmetricGenerator` for a structure each.
///
/// Every `ask` trains a fresh agent from the seed and round (`episodes` episodes), with the reward's
/// E_hull taken from the campaign's relaxations for compositions it has been told about, then
/// samples `count` distinct reduced formulas it has not proposed before. A proposal's provenance has
/// operation "policy_gradient" or "deep_q" and genome = the atom counts per element of
/// `environment.elements`, then the composition's reward.
public struct RLCompositionSearch: SearchStrategy {
    public enum Agent: String, Sendable, CaseIterable {
        /// REINFORCE with a baseline (`PolicyGradientAgent`).
        case policyGradient = "policy_gradient"
        /// Deep Q-learning (`DeepQAgent`).
        case deepQ = "deep_q"
    }

    public struct Parameters: Sendable, Hashable {
        public var agent: Agent
        /// Training episodes per round.
        public var episodes: Int
        /// Steps per episode (elements added, with repeats).
        public var steps: Int
        /// Largest amount one step adds.
        public var maxAmount: Int
        public var weights: RewardWeights
        /// Hidden width of the networks.
        public var hidden: Int
        public var learningRate: Double
        /// Episodes per policy update (policy gradient) or transitions per minibatch (deep Q).
        public var batchSize: Int
        /// Deep Q: replay capacity, target-network sync interval, ε schedule (end…start).
        public var replayCapacity: Int
        public var targetSync: Int
        public var epsilon: ClosedRange<Double>
        /// Deep Q: Boltzmann temperature (reward units) of the sampled proposals.
        public var temperature: Double

        public init(agent: Agent = .policyGradient, episodes: Int = 600, steps: Int = 4, maxAmount: Int = 4,
                    weights: RewardWeights = RewardWeights(), hidden: Int = 32, learningRate: Double = 0.01,
                    batchSize: Int = 16, replayCapacity: Int = 2000, targetSync: Int = 50,
                    epsilon: ClosedRange<Double> = 0.05...1, temperature: Double = 0.05) {
            self.agent = agent
            self.episodes = episodes
            self.steps = steps
            self.maxAmount = maxAmount
            self.weights = weights
            self.hidden = hidden
            self.learningRate = learningRate
            self.batchSize = batchSize
            self.replayCapacity = replayCapacity
            self.targetSync = targetSync
            self.epsilon = epsilon
            self.temperature = temperature
        }

        /// Throws `GenerationError.invalidTarget` naming the first bad parameter.
        public func validate() throws {
            func check(_ ok: Bool, _ name: String, _ rule: String, _ value: Any) throws {
                if !ok { throw GenerationError.invalidTarget("rl_composition: parameter '\(name)' must be \(rule), got \(value)") }
            }
            try check((1...100_000).contains(episodes), "episodes", "in 1…100000", episodes)
            try check((1...1024).contains(hidden), "hidden", "in 1…1024", hidden)
            try check(learningRate.isFinite && learningRate > 0 && learningRate <= 1, "learning_rate", "in (0, 1]", learningRate)
            try check((1...4096).contains(batchSize), "batch_size", "in 1…4096", batchSize)
            try check(replayCapacity >= batchSize, "replay_capacity", "at least batch_size (\(batchSize))", replayCapacity)
            try check(targetSync >= 1, "target_sync", "at least 1", targetSync)
            try check(epsilon.lowerBound >= 0 && epsilon.upperBound <= 1, "epsilon", "within 0…1", epsilon)
            try check(temperature.isFinite && temperature > 0, "temperature", "positive", temperature)
            for (name, w) in [("stability", weights.stability), ("charge_balance", weights.chargeBalance),
                              ("novelty", weights.novelty), ("target", weights.target)] {
                try check(w.isFinite && w >= 0, "weights.\(name)", "finite and ≥ 0", w)
            }
        }
    }

    public var name: String { "rl_composition" }
    public let target: GenerationTarget
    public let parameters: Parameters
    public let seed: UInt64
    private let structureGenerator = RandomSymmetricGenerator()
    public let environment: CompositionEnvironment
    private let predictor: PredictedHullEnergy
    private let known: Set<String>
    private let targetTerm: (@Sendable (Composition) -> Double)?
    /// Lowest relaxed E_hull per reduced formula, from what the strategy was told.
    private var relaxed: [String: Double] = [:]
    /// Reduced formulas proposed so far.
    private var proposed: Set<String> = []

    /// `predictor` gives the reward's E_hull of compositions not yet relaxed (nil: the bundled
    /// formation-energy model on the MP hull of the target's elements); `targetTerm` is the reward's
    /// target hook (required when `weights.target` is not 0).
    public init(target: GenerationTarget, parameters: Parameters = Parameters(), seed: UInt64,
                predictor: PredictedHullEnergy? = nil, targetTerm: (@Sendable (Composition) -> Double)? = nil) throws {
        try parameters.validate()
        if parameters.weights.target != 0 && targetTerm == nil {
            throw GenerationError.invalidTarget("rl_composition: parameter 'weights.target' is set but no target term was given")
        }
        if !target.formulas.isEmpty {
            throw GenerationError.invalidTarget("rl_composition: the target fixes its formulas; the agent needs chemical systems")
        }
        self.target = target
        self.parameters = parameters
        self.seed = seed
        self.targetTerm = targetTerm
        environment = try CompositionEnvironment(target: target, steps: parameters.steps, maxAmount: parameters.maxAmount)
        self.predictor = try predictor ?? PredictedHullEnergy(elements: Set(environment.elements))
        known = parameters.weights.novelty != 0 ? try CompositionReward.knownFormulas(self.predictor.hull) : []
    }

    public mutating func tell(_ evaluations: [Evaluation]) {
        for e in evaluations {
            let formula = e.initial.composition.reducedFormula
            proposed.insert(formula)
            if let h = e.eHull { relaxed[formula] = min(h, relaxed[formula] ?? .infinity) }
        }
    }

    /// The reward as the next `ask` sees it.
    public func reward() -> CompositionReward {
        CompositionReward(weights: parameters.weights, predictor: predictor, evaluated: relaxed, known: known,
                          target: targetTerm, oxidationStates: target.oxidationStates)
    }

    /// Trains a fresh agent and samples up to `count` new compositions with their rewards.
    func compositions(count: Int, round: Int) -> [(composition: Composition, reward: Double)] {
        var rng = SeededGenerator(seed: SearchSeed.mix(seed, round))
        var reward = reward()
        let p = parameters
        let draw: (inout SeededGenerator) -> CompositionEnvironment.State
        switch p.agent {
        case .policyGradient:
            var agent = PolicyGradientAgent(environment: environment, hidden: p.hidden, learningRate: p.learningRate,
                                            batchSize: p.batchSize, rng: &rng)
            agent.train(episodes: p.episodes, reward: { reward($0) }, rng: &rng)
            draw = { agent.sample(rng: &$0) }
        case .deepQ:
            var agent = DeepQAgent(environment: environment, hidden: p.hidden, learningRate: p.learningRate,
                                   batchSize: p.batchSize, replayCapacity: p.replayCapacity, targetSync: p.targetSync,
                                   epsilon: p.epsilon, rng: &rng)
            agent.train(episodes: p.episodes, reward: { reward($0) }, rng: &rng)
            draw = { [temperature = p.temperature] in agent.sample(temperature: temperature, rng: &$0) }
        }
        var out: [(Composition, Double)] = [], seen = proposed
        for _ in 0..<(Self.drawsPerProposal * count) where out.count < count {
            let c = environment.composition(draw(&rng)).reduced
            if seen.insert(c.reducedFormula).inserted { out.append((c, reward(c))) }
        }
        return out
    }

    /// Episodes sampled per requested composition before giving up on finding new ones.
    static let drawsPerProposal = 200

    public mutating func ask(count: Int, round: Int) throws -> [Candidate] {
        guard count > 0 else { return [] }
        var out: [Candidate] = []
        for (i, (c, r)) in compositions(count: count, round: round).enumerated() {
            let one = try GenerationTarget(compositions: [c], maxAtoms: target.maxAtoms)
            let made: [Candidate]
            do {
                made = try structureGenerator.generate(target: one, budget: 1, seed: SearchSeed.mix(SearchSeed.mix(seed, round), i))
            } catch GenerationError.limitReached(_, let partial) {
                made = partial
            }
            guard var candidate = made.first else { continue }
            candidate.provenance.generator = name
            candidate.provenance.seed = seed
            candidate.provenance.operation = parameters.agent.rawValue
            candidate.provenance.genome = environment.elements.map { c[$0] } + [r]
            out.append(candidate)
        }
        return out
    }
}
