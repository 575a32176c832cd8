import Crystal
import Generation
import Search
import XCTest

final class RLAgentTests: XCTestCase {
    private func environment() throws -> CompositionEnvironment {
        let target = try GenerationTarget(systems: ["Li-Mn-O"], includeSubsystems: true, maxAtoms: 8)
        return try CompositionEnvironment(target: target, steps: 4, maxAmount: 3)
    }

    /// Masked random episodes and the enumerated space end inside a system within maxAtoms.
    func testMaskKeepsCompositionsValid() throws {
        let env = try environment()
        let systems = Set(["Li-Mn-O", "Li-Mn", "Li-O", "Mn-O"])
        var rng = SeededGenerator(seed: 2)
        var sizes = Set<Int>()
        for _ in 0..<300 {
            var s = env.initial
            while !env.isTerminal(s) {
                let allowed = env.mask(s).indices.filter { env.mask(s)[$0] }
                XCTAssertFalse(allowed.isEmpty, "dead end at \(s)")
                s = env.apply(allowed.randomElement(using: &rng)!, to: s)
            }
            let c = env.composition(s)
            XCTAssertTrue(systems.contains(c.chemicalSystem), c.formula)
            XCTAssertLessThanOrEqual(c.numAtoms, 8)
            sizes.insert(c.elements.count)
        }
        XCTAssertEqual(sizes, [2, 3])
        let space = env.reachableCompositions()
        XCTAssertTrue(space.allSatisfy { systems.contains($0.chemicalSystem) && $0.numAtoms <= 8 })
        XCTAssertTrue(space.contains { $0.reducedFormula == "Li2MnO3" })
        XCTAssertTrue(space.contains { $0.reducedFormula == "LiMn2O4" })
        XCTAssertFalse(space.contains { $0.reducedFormula == "Li2Mn3O4" }, "9 atoms")
    }

    /// A toy reward peaked at Li2MnO3: 1 there, else minus the L1 distance of the atomic fractions.
    private func toyReward(_ c: Composition) -> Double {
        let goal = try! Composition("Li2MnO3")
        if c.reducedFormula == goal.reducedFormula { return 1 }
        let els = Set(c.elements + goal.elements)
        return -els.reduce(0) { $0 + abs(c[$1] / c.numAtoms - goal[$1] / goal.numAtoms) }
    }

    /// Mean toy reward and number of episodes within 0.1 of the goal, of 200 episodes of `draw`.
    private func score(_ draw: (inout SeededGenerator) -> CompositionEnvironment.State,
                       _ env: CompositionEnvironment) -> (reward: Double, near: Int) {
        var rng = SeededGenerator(seed: 7)
        let rewards = (0..<200).map { _ in toyReward(env.composition(draw(&rng))) }
        return (rewards.reduce(0, +) / 200, rewards.filter { $0 >= -0.1 }.count)
    }

    /// `score` of uniformly random masked episodes.
    private func randomBaseline(_ env: CompositionEnvironment) -> (reward: Double, near: Int) {
        score({ rng in
            var s = env.initial
            while !env.isTerminal(s) {
                let m = env.mask(s)
                s = env.apply(m.indices.filter { m[$0] }.randomElement(using: &rng)!, to: s)
            }
            return s
        }, env)
    }

    func testPolicyGradientLearnsToyReward() throws {
        let env = try environment()
        var rng = SeededGenerator(seed: 1)
        var agent = PolicyGradientAgent(environment: env, hidden: 16, learningRate: 0.03, batchSize: 16, rng: &rng)
        agent.train(episodes: 640, reward: toyReward, rng: &rng)
        let learned = score({ agent.sample(rng: &$0) }, env), random = randomBaseline(env)
        XCTAssertGreaterThan(learned.reward, random.reward + 0.3, "\(learned) vs random \(random)")
        XCTAssertGreaterThan(learned.near, 3 * random.near + 10, "\(learned) vs random \(random)")
    }

    func testDeepQLearnsToyReward() throws {
        let env = try environment()
        var rng = SeededGenerator(seed: 1)
        var agent = DeepQAgent(environment: env, hidden: 16, learningRate: 0.01, batchSize: 16, replayCapacity: 1000,
                               targetSync: 25, epsilon: 0.05...1, rng: &rng)
        agent.train(episodes: 400, reward: toyReward, rng: &rng)
        let learned = score({ agent.sample(temperature: 0.02, rng: &$0) }, env), random = randomBaseline(env)
        XCTAssertGreaterThan(learned.reward, random.reward + 0.3, "\(learned) vs random \(random)")
        XCTAssertGreaterThan(learned.near, 3 * random.near + 10, "\(learned) vs random \(random)")
    }

    /// Same seed, same training, same samples.
    func testAgentsAreDeterministic() throws {
        let env = try environment()
        func run(_ seed: UInt64) -> [String] {
            var rng = SeededGenerator(seed: seed)
            var agent = DeepQAgent(environment: env, hidden: 8, learningRate: 0.01, batchSize: 8, replayCapacity: 100,
                                   targetSync: 10, epsilon: 0.1...1, rng: &rng)
            agent.train(episodes: 40, reward: toyReward, rng: &rng)
            var pg = PolicyGradientAgent(environment: env, hidden: 8, learningRate: 0.01, batchSize: 8, rng: &rng)
            pg.train(episodes: 40, reward: toyReward, rng: &rng)
            return (0..<10).map { _ in env.composition(agent.sample(temperature: 0.1, rng: &rng)).formula }
                + (0..<10).map { _ in env.composition(pg.sample(rng: &rng)).formula }
        }
        XCTAssertEqual(run(3), run(3))
        XCTAssertNotEqual(run(3), run(4))
    }

    func testEnvironmentRefusesImpossibleSettings() throws {
        let target = try GenerationTarget(systems: ["Li-Mn-O"], maxAtoms: 8)
        XCTAssertThrowsError(try CompositionEnvironment(target: target, steps: 2, maxAmount: 3)) {
            XCTAssertTrue("\($0)".contains("'steps'"), "\($0)")
        }
        XCTAssertThrowsError(try CompositionEnvironment(target: target, steps: 9, maxAmount: 3)) {
            XCTAssertTrue("\($0)".contains("'steps'"), "\($0)")
        }
        XCTAssertThrowsError(try CompositionEnvironment(target: target, steps: 3, maxAmount: 0)) {
            XCTAssertTrue("\($0)".contains("'max_amount'"), "\($0)")
        }
    }
}
