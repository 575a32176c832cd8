import Crystal
import Foundation

/// REINFORCE with a baseline: a softmax policy network over the masked actions of a
/// `CompositionEnvironment`, trained on the reward of finished episodes (one reward per episode,
/// undiscounted). The baseline is the batch's mean reward and advantages are scaled by the batch's
/// spread; a small entropy bonus keeps the policy from collapsing early.
public struct PolicyGradientAgent: Sendable {
    public let environment: CompositionEnvironment
    private var policy: RLNetwork
    private let learningRate: Double
    /// Episodes per policy update.
    private let batchSize: Int
    private let entropyBonus = 0.01

    public init(environment: CompositionEnvironment, hidden: Int, learningRate: Double, batchSize: Int,
                rng: inout SeededGenerator) {
        self.environment = environment
        policy = RLNetwork(sizes: [environment.featureCount, hidden, environment.actionCount], rng: &rng)
        self.learningRate = learningRate
        self.batchSize = batchSize
    }

    /// Trains on `episodes` episodes (rounded up to whole batches).
    public mutating func train(episodes: Int, reward: (Composition) -> Double, rng: inout SeededGenerator) {
        for _ in 0..<((episodes + batchSize - 1) / batchSize) {
            var batch: [(steps: [(activations: [[Double]], p: [Double], action: Int)], reward: Double)] = []
            for _ in 0..<batchSize {
                var s = environment.initial
                var steps: [(activations: [[Double]], p: [Double], action: Int)] = []
                while !environment.isTerminal(s) {
                    let acts = policy.activations(environment.features(s))
                    let p = RLSampling.softmax(acts.last!, mask: environment.mask(s))
                    let a = RLSampling.draw(p, rng: &rng)
                    steps.append((acts, p, a))
                    s = environment.apply(a, to: s)
                }
                batch.append((steps, reward(environment.composition(s))))
            }
            let rewards = batch.map(\.reward)
            let mean = rewards.reduce(0, +) / Double(batchSize)
            let spread = (rewards.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(batchSize)).squareRoot()
            var gradient = policy.zeroGradient
            for episode in batch {
                let advantage = (episode.reward - mean) / max(spread, 1e-6)
                for step in episode.steps {
                    let p = step.p
                    let entropy = -p.reduce(0) { $1 > 0 ? $0 + $1 * log($1) : $0 }
                    // Descent direction: −(A ∇log π(a) + β ∇H) with respect to the logits.
                    let d = p.indices.map { i -> Double in
                        guard p[i] > 0 else { return 0 }
                        let logProb = (i == step.action ? 1 : 0) - p[i]
                        let dEntropy = -p[i] * (log(p[i]) + entropy)
                        return -(advantage * logProb + entropyBonus * dEntropy) / Double(batchSize)
                    }
                    policy.accumulate(step.activations, dOutput: d, into: &gradient)
                }
            }
            policy.step(gradient, learningRate: learningRate)
        }
    }

    /// One episode of the current policy; returns the finished composition.
    public func sample(rng: inout SeededGenerator) -> CompositionEnvironment.State {
        var s = environment.initial
        while !environment.isTerminal(s) {
            let p = RLSampling.softmax(policy(environment.features(s)), mask: environment.mask(s))
            s = environment.apply(RLSampling.draw(p, rng: &rng), to: s)
        }
        return s
    }
}
