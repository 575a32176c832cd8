@testable import Campaign
import Crystal
import Foundation
import XCTest

/// The RL composition agent's reward term for `[targets]`: P(every learned window met) from the
/// bundled composition models, so an insulator window favours an oxide over the metal.
final class RLTargetTermTests: XCTestCase {
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
        let runner = CampaignRunner(spec: spec, outputDirectory: FileManager.default.temporaryDirectory, calculator: RefusingCalculator())
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
}
