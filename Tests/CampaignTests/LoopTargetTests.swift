@testable import Campaign
import Crystal
import Properties
import Foundation
import XCTest

/// `[targets]` in the loop: the RL composition agent's reward term — P(every learned window met) from
/// the bundled composition models, so an insulator window favours an oxide over the metal — and the
/// probability the search strategies' fitness is penalised by.
final class LoopTargetTests: XCTestCase {
    func testTargetTermFollowsTheBandGapWindow() throws {
        let spec = try CampaignSpec(toml: """
            [target]
            chemical_systems = ["Mg-O"]
            [targets]
            band_gap = { min = 2, use = "probability" }
            [[generators]]
            kind = "rl_composition"
            target_weight = 1
            """)
        XCTAssertEqual(spec.generators[0].agent.weights.target, 1)
        let runner = CampaignRunner(spec: spec, outputDirectory: FileManager.default.temporaryDirectory, potential: .test(RefusingCalculator()))
        let term = try runner.compositionTargetTerm()
        let oxide = term(try Composition("MgO")), metal = term(try Composition("Mg"))
        XCTAssertGreaterThan(oxide, 0.5, "MgO's band gap (7.8 eV in MP) lies above 2 eV")
        XCTAssertLessThan(metal, 0.2, "Mg is a metal")
        XCTAssertTrue((0...1).contains(oxide) && (0...1).contains(metal))
    }

    func testTargetWeightNeedsALearnedTarget() {
        XCTAssertThrowsError(try CampaignSpec(toml: "[target]\nchemical_systems = [\"Mg-O\"]\n[[generators]]\nkind = \"rl_composition\"\ntarget_weight = 1\n")) {
            XCTAssertEqual(($0 as? CampaignSpecError)?.key, "generators[0].target_weight", "\($0)")
        }
    }

    func testFitnessProbabilityFromScreeningPredictions() throws {
        let spec = try CampaignSpec(toml: """
            [target]
            chemical_systems = ["Mg-O"]
            [targets]
            band_gap = { min = 2, use = "probability" }
            [loop]
            target_weight = 0.2
            [[generators]]
            kind = "evolutionary"
            """)
        XCTAssertEqual(spec.loop?.targetWeight, 0.2)
        let runner = CampaignRunner(spec: spec, outputDirectory: FileManager.default.temporaryDirectory, potential: .test(RefusingCalculator()))
        var r = CandidateRecord(id: "x", ordinal: 0, generator: "evolutionary-0", parent: nil, seed: 0, substitution: nil,
                                formula: "MgO", nSites: 2, nElements: 2, initialStructure: "")
        XCTAssertEqual(runner.targetProbability(r), 0, "no prediction: counted as not met")
        r.screeningProperties = ["band_gap": PropertyValue(mean: 6, sigma: 0.5, unit: "eV")]
        XCTAssertGreaterThan(runner.targetProbability(r), 0.99)
        r.screeningProperties = ["band_gap": PropertyValue(mean: 0.5, sigma: 0.5, unit: "eV")]
        XCTAssertLessThan(runner.targetProbability(r), 0.01)
    }
}
