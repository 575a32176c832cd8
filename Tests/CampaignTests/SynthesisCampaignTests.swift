@testable import Campaign
import Crystal
import Foundation
import Potentials
import Properties
import Synthesis
import Tensor
import XCTest

/// Synthesis evidence in a campaign with CHGNet (a few seconds): every
/// converged unique candidate is scored for synthesizability once, `[constraints] synthesizable`
/// ranks only those at or above the model's threshold, and the report's top entries show the score
/// and precursor routes.
final class SynthesisCampaignTests: XCTestCase {
    override func setUp() { ProcessSettings.applyForInference() }

    func testSynthesizableConstraintAndReportRoutes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-synthesis-campaign-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try CampaignSpec(toml: """
            name = "synthesis"
            [target]
            chemical_systems = ["Sr-Ti-O"]
            max_atoms = 5
            [relax]
            steps = 200
            [constraints]
            synthesizable = true
            [[generators]]
            kind = "substitution"
            budget = 6
            seed = 1
            """)
        XCTAssertTrue(spec.constraints.synthesizable)
        let runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(try CHGNet(), name: "chgnet"))
        let summary = try runner.run()
        let all = try KnowledgeStore(path: summary.store).all()
        let model = try SynthesizabilityModel.shipped()
        let key = CampaignRunner.synthesizabilityKey
        let scored = all.filter { $0.properties?[key] != nil }
        XCTAssertFalse(scored.isEmpty)
        for r in all where r.isUnique == true && r.relaxOutcome == "converged" {
            let score = try XCTUnwrap(r.properties?[key], "\(r.id) \(r.formula) has no score").mean
            XCTAssertEqual(score, try model.score(Composition(r.formula)).score, accuracy: 1e-12, "the stored score is the model's")
            if score < model.threshold {
                XCTAssertNotNil(r.violations?.range(of: "not synthesizable"), "\(r.formula): \(r.violations ?? "")")
                XCTAssertNil(r.rank)
            }
        }
        let ranked = all.filter { $0.rank != nil }
        XCTAssertFalse(ranked.isEmpty, "SrTiO3-like candidates score above the threshold")
        for r in ranked { XCTAssertGreaterThanOrEqual(r.properties![key]!.mean, model.threshold) }

        let report = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssert(report.contains("synthesizable"), "the constraint is listed in the settings")
        XCTAssert(report.contains("<th>synthesizability</th><td>learned score"))
        XCTAssert(report.contains("<th>precursor routes</th><td>best 3 of the bundled precursors"))
        XCTAssert(report.contains("SrCO3") || report.contains("SrO"), "a strontium precursor appears in the routes")

        // A score below the threshold, or none, is a violation that says why.
        var low = try XCTUnwrap(ranked.first)
        low.properties?[key] = PropertyValue(mean: model.threshold / 2, unit: "score")
        XCTAssertNotNil(try runner.synthesizabilityViolation(low)?.range(of: "not synthesizable (learned score"))
        low.properties?[key] = nil
        XCTAssertNotNil(try runner.synthesizabilityViolation(low)?.range(of: "synthesizability unknown"))
    }
}
