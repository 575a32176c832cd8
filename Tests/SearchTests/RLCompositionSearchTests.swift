import Crystal
import Foundation
import Generation
import Search
import XCTest

final class RLCompositionSearchTests: XCTestCase {
    private let quick = RLCompositionSearch.Parameters(episodes: 64, steps: 3, maxAmount: 3, hidden: 8, batchSize: 8)

    private func target() throws -> GenerationTarget {
        try GenerationTarget(systems: ["Li-Mn-O"], maxAtoms: 10)
    }

    /// Loaded once: the MP hull takes seconds to load in a debug build.
    static let predictor = Result { try PredictedHullEnergy(elements: Set(["Li", "Mn", "O"].map { try Element($0) })) }

    private func search(_ p: RLCompositionSearch.Parameters, seed: UInt64) throws -> RLCompositionSearch {
        try RLCompositionSearch(target: target(), parameters: p, seed: seed, predictor: Self.predictor.get())
    }

    /// Proposals are structures of new compositions inside the system, with the agent in their provenance.
    func testAskProposesStructuresOfValidCompositions() throws {
        for agent in RLCompositionSearch.Agent.allCases {
            var p = quick
            p.agent = agent
            var search = try search(p, seed: 4)
            let out = try search.ask(count: 3, round: 0)
            XCTAssertEqual(out.count, 3)
            XCTAssertEqual(Set(out.map(\.structure.reducedFormula)).count, 3)
            for c in out {
                XCTAssertEqual(c.structure.composition.chemicalSystem, "Li-Mn-O")
                XCTAssertLessThanOrEqual(c.structure.count, 10)
                XCTAssertEqual(c.provenance.generator, "rl_composition")
                XCTAssertEqual(c.provenance.operation, agent.rawValue)
                let counts = Composition(zip(search.environment.elements, c.provenance.genome).map { ($0, $1) })
                XCTAssertEqual(counts.reducedFormula, c.structure.reducedFormula)
            }
        }
    }

    /// The same history, seed and round give the same proposals; another round gives others.
    func testDeterministic() throws {
        var a = try search(quick, seed: 9)
        var b = try search(quick, seed: 9)
        let first = try a.ask(count: 2, round: 1)
        XCTAssertEqual(first.map(\.structure), try b.ask(count: 2, round: 1).map(\.structure))
        XCTAssertNotEqual(first.map(\.structure), try b.ask(count: 2, round: 2).map(\.structure))
    }

    /// A told relaxation replaces the prediction in the reward, and its formula is not proposed again.
    func testToldEHullDrivesReward() throws {
        var p = quick
        p.weights = RewardWeights(stability: 1, chargeBalance: 0)
        var search = try search(p, seed: 2)
        let asked = try search.ask(count: 2, round: 0)
        search.tell(asked.enumerated().map { i, c in
            Evaluation(id: "c\(i)", round: 0, outcome: .relaxed, provenance: c.provenance, initial: c.structure,
                       eHull: 0.25 * Double(i + 1))
        })
        var reward = search.reward()
        for (i, c) in asked.enumerated() {
            XCTAssertEqual(reward(c.structure.composition), -0.25 * Double(i + 1), accuracy: 1e-12)
        }
        let next = try search.ask(count: 2, round: 1)
        XCTAssertTrue(Set(next.map(\.structure.reducedFormula)).isDisjoint(with: asked.map(\.structure.reducedFormula)))
    }

    /// Predicted E_hull is the model's formation energy minus the MP hull's at that composition.
    func testPredictedHullEnergy() throws {
        let predictor = try Self.predictor.get()
        let diagram = try predictor.hull.referencePhaseDiagram()
        for formula in ["Li2MnO3", "Li5MnO", "MnO2"] {
            let c = try Composition(formula)
            let expected = try predictor.model.predict(c).mean - diagram.hullFormationEnergy(of: c)
            XCTAssertEqual(try XCTUnwrap(predictor.energyAboveHull(c)), expected, accuracy: 1e-9, formula)
        }
        XCTAssertNil(predictor.energyAboveHull(try Composition("LiMnF")), "F is outside the hull")
    }

    func testParameterErrorsNameTheParameter() throws {
        func refuses(_ edit: (inout RLCompositionSearch.Parameters) -> Void, _ name: String,
                     line: UInt = #line) throws {
            var p = quick
            edit(&p)
            XCTAssertThrowsError(try search(p, seed: 1), line: line) {
                XCTAssertTrue("\($0)".contains("'\(name)'"), "\($0)", line: line)
            }
        }
        try refuses({ $0.episodes = 0 }, "episodes")
        try refuses({ $0.learningRate = .nan }, "learning_rate")
        try refuses({ $0.batchSize = 0 }, "batch_size")
        try refuses({ $0.replayCapacity = 2 }, "replay_capacity")
        try refuses({ $0.epsilon = 0...2 }, "epsilon")
        try refuses({ $0.temperature = 0 }, "temperature")
        try refuses({ $0.weights.novelty = -1 }, "weights.novelty")
        try refuses({ $0.weights.target = 1 }, "weights.target")
        try refuses({ $0.steps = 11 }, "steps")
        try refuses({ $0.maxAmount = 0 }, "max_amount")
        XCTAssertThrowsError(try RLCompositionSearch(target: GenerationTarget(compositions: [try Composition("LiMnO2")]), seed: 1))
    }
}

/// The RL-versus-random composition benchmark (`RLCompositionBenchmark`).
final class RLCompositionBenchmarkTests: XCTestCase {
    /// Every method proposes distinct compositions of the system, each with structures of that composition.
    func testProposals() throws {
        let target = try GenerationTarget(systems: ["Li-Mn-O"], maxAtoms: 10)
        let p = RLCompositionSearch.Parameters(episodes: 32, steps: 3, maxAmount: 3, hidden: 8, batchSize: 8)
        for method in RLCompositionBenchmark.Method.allCases {
            let out = try RLCompositionBenchmark.propose(method, target: target, parameters: p, count: 2, seed: 1,
                                                         predictor: RLCompositionSearchTests.predictor.get(),
                                                         substitutions: 0, randomStructures: 1)
            XCTAssertEqual(Set(out.map(\.composition.reducedFormula)).count, 2, method.rawValue)
            for proposal in out {
                XCTAssertEqual(proposal.composition.chemicalSystem, "Li-Mn-O")
                XCTAssertFalse(proposal.structures.isEmpty, proposal.composition.formula)
                XCTAssertTrue(proposal.structures.allSatisfy { $0.structure.reducedFormula == proposal.composition.reducedFormula })
            }
        }
    }
}
