import Crystal
import Foundation

/// Deep Q-learning over a `CompositionEnvironment`: a Q-network over the masked actions, a replay
/// buffer, a target network synchronised every `targetSync` updates and an ε-greedy schedule
/// falling linearly from `epsilon.upperBound` to `epsilon.lowerBound` over the first 80% of the
/// training episodes. The reward comes at the end of an episode (undiscounted).
public struct DeepQAgent: Sendable {
    struct Transition: Sendable {
        var state: [Double]
        var action: Int
        var reward: Double
        var next: [Double]
        var nextMask: [Bool]
        var done: Bool
    }

    public let environment: CompositionEnvironment
    private var q: RLNetwork
    private var target: RLNetwork
    private var replay: [Transition] = []
    private var replayNext = 0
    private let learningRate: Double
    private let batchSize: Int
    private let replayCapacity: Int
    private let targetSync: Int
    private let epsilon: ClosedRange<Double>
    private var updates = 0

    public init(environment: CompositionEnvironment, hidden: Int, learningRate: Double, batchSize: Int,
                replayCapacity: Int, targetSync: Int, epsilon: ClosedRange<Double>, rng: inout SeededGenerator) {
        self.environment = environment
        q = RLNetwork(sizes: [environment.featureCount, hidden, environment.actionCount], rng: &rng)
        target = q
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.replayCapacity = replayCapacity
        self.targetSync = targetSync
        self.epsilon = epsilon
    }

    /// Trains on `episodes` episodes, one network update per step once the buffer holds a batch.
    public mutating func train(episodes: Int, reward: (Composition) -> Double, rng: inout SeededGenerator) {
        let decay = max(1, Int((0.8 * Double(episodes)).rounded()))
        for episode in 0..<episodes {
            let fraction = min(1, Double(episode) / Double(decay))
            let eps = epsilon.upperBound + (epsilon.lowerBound - epsilon.upperBound) * fraction
            var s = environment.initial
            while !environment.isTerminal(s) {
                let mask = environment.mask(s), x = environment.features(s)
                let a: Int
                if Double.random(in: 0..<1, using: &rng) < eps {
                    a = mask.indices.filter { mask[$0] }.randomElement(using: &rng)!
                } else {
                    a = Self.best(q(x), mask: mask)
                }
                let next = environment.apply(a, to: s)
                let done = environment.isTerminal(next)
                remember(Transition(state: x, action: a, reward: done ? reward(environment.composition(next)) : 0,
                                    next: environment.features(next), nextMask: environment.mask(next), done: done))
                s = next
                if replay.count >= batchSize { update(rng: &rng) }
            }
        }
    }

    /// One episode drawn from the Boltzmann distribution of the Q-values at `temperature`.
    public func sample(temperature: Double, rng: inout SeededGenerator) -> CompositionEnvironment.State {
        var s = environment.initial
        while !environment.isTerminal(s) {
            let p = RLSampling.softmax(q(environment.features(s)), mask: environment.mask(s), temperature: temperature)
            s = environment.apply(RLSampling.draw(p, rng: &rng), to: s)
        }
        return s
    }

    private mutating func remember(_ t: Transition) {
        if replay.count < replayCapacity {
            replay.append(t)
        } else {
            replay[replayNext] = t
            replayNext = (replayNext + 1) % replayCapacity
        }
    }

    /// A minibatch step on the squared TD error, targets from the target network.
    private mutating func update(rng: inout SeededGenerator) {
        var gradient = q.zeroGradient
        for _ in 0..<batchSize {
            let t = replay[Int.random(in: 0..<replay.count, using: &rng)]
            var y = t.reward
            if !t.done {
                let next = target(t.next)
                y += t.nextMask.indices.filter { t.nextMask[$0] }.map { next[$0] }.max()!
            }
            let acts = q.activations(t.state)
            var d = [Double](repeating: 0, count: q.outputCount)
            d[t.action] = (acts.last![t.action] - y) / Double(batchSize)
            q.accumulate(acts, dOutput: d, into: &gradient)
        }
        q.step(gradient, learningRate: learningRate)
        updates += 1
        if updates % targetSync == 0 { target = q }
    }

    static func best(_ values: [Double], mask: [Bool]) -> Int {
        mask.indices.filter { mask[$0] }.max { values[$0] < values[$1] }!
    }
}
