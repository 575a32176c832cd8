import Campaign
import Foundation
import Properties
import XCTest

/// `[targets]`: parsing, every error with its key, and the probability and distance of a window.
final class TargetSpecTests: XCTestCase {
    private func spec(_ targets: String, ranking: String = "") throws -> CampaignSpec {
        try CampaignSpec(toml: "[target]\nchemical_systems=[\"Zn-S\"]\n[targets]\n\(targets)\n\(ranking)[[generators]]\nkind=\"substitution\"\n")
    }

    func testParsesTargets() throws {
        let s = try spec("""
            min_probability = 0.1
            hhi = { max = 2000, use = "constraint" }
            band_gap = { min = 1.0, max = 3.0, use = "probability" }
            bulk_modulus = { min = 100, use = "constraint" }
            magnetic_density = { min = 0.05 }
            """, ranking: "[ranking]\nmethod = \"pareto\"\nobjectives = [\"e_hull\", \"target:band_gap\", \"target:magnetic_density\"]\n")
        XCTAssertEqual(s.minTargetProbability, 0.1)
        // in TargetProperty order, whatever the file's order
        XCTAssertEqual(s.targets.map(\.property), [.bandGap, .bulkModulus, .magneticDensity, .hhi])
        XCTAssertEqual(s.targets[0], try CampaignSpec.Target(.bandGap, min: 1, max: 3, use: .probability))
        XCTAssertEqual(s.targets[2].use, .objective, "objective is the default use")
        XCTAssertNil(s.targets[3].min)
        XCTAssertEqual(s.targets[3].max, 2000)
        XCTAssertEqual(s.ranking.objectives, [.eHull, .target(.bandGap), .target(.magneticDensity)])
        XCTAssertEqual(try spec("").targets, [])
        XCTAssertEqual(try spec("").minTargetProbability, 0.05)
    }

    func testObjectiveNamesRoundTrip() {
        for o in CampaignSpec.Ranking.Objective.fixed + TargetProperty.allCases.map({ .target($0) }) {
            XCTAssertEqual(CampaignSpec.Ranking.Objective(name: o.name), o)
        }
        XCTAssertNil(CampaignSpec.Ranking.Objective(name: "target:colour"))
    }

    func testErrorsNameTheKey() {
        let pareto = "[ranking]\nmethod = \"pareto\"\n"
        let cases: [(String, String, String)] = [
            ("colour = { min = 1 }", "", "targets.colour"),
            ("band_gap = { use = \"probability\" }", "", "targets.band_gap"),
            ("band_gap = { min = 3, max = 1 }", "", "targets.band_gap"),
            ("band_gap = { min = 1, use = \"maybe\" }", "", "targets.band_gap.use"),
            ("band_gap = { min = \"one\" }", "", "targets.band_gap.min"),
            ("band_gap = { max = true }", "", "targets.band_gap.max"),
            ("band_gap = { min = 1, mean = 2 }", "", "targets.band_gap.mean"),
            ("band_gap = 1.5", "", "targets.band_gap"),
            ("min_probability = 1.5", "", "targets.min_probability"),
            ("band_gap = { min = 1 }", pareto + "objectives = [\"e_hull\", \"target:bulk_modulus\"]\n", "ranking.objectives"),
            ("band_gap = { min = 1, use = \"constraint\" }", pareto + "objectives = [\"e_hull\", \"target:band_gap\"]\n", "ranking.objectives"),
            ("band_gap = { min = 1 }", pareto + "objectives = [\"e_hull\", \"target:colour\"]\n", "ranking.objectives"),
        ]
        for (targets, ranking, key) in cases {
            XCTAssertThrowsError(try spec(targets, ranking: ranking), targets) { error in
                XCTAssertEqual((error as? CampaignSpecError)?.key, key, "\(targets): \(error)")
            }
        }
    }

    func testProbabilityOfAWindow() throws {
        let window = try CampaignSpec.Target(.bandGap, min: 1, max: 3, use: .probability)
        // mean at the centre, σ = 1: P(|Z| ≤ 1) = 0.682689…
        XCTAssertEqual(window.probability(PropertyValue(mean: 2, sigma: 1, unit: "eV")), 0.6826894921, accuracy: 1e-9)
        // one-sided: P(X ≥ 1) for mean 1 is one half whatever σ; P(X ≥ 1) for mean 3, σ 1 = Φ(2)
        let floor = try CampaignSpec.Target(.bandGap, min: 1)
        XCTAssertEqual(floor.probability(PropertyValue(mean: 1, sigma: 0.3, unit: "eV")), 0.5, accuracy: 1e-12)
        XCTAssertEqual(floor.probability(PropertyValue(mean: 3, sigma: 1, unit: "eV")), 0.9772498681, accuracy: 1e-9)
        let ceiling = try CampaignSpec.Target(.bandGap, max: 1)
        XCTAssertEqual(ceiling.probability(PropertyValue(mean: 3, sigma: 1, unit: "eV")), 1 - 0.9772498681, accuracy: 1e-9)
        // σ = 0 or unknown: 0 or 1
        XCTAssertEqual(window.probability(PropertyValue(mean: 2.5, sigma: 0, unit: "eV")), 1)
        XCTAssertEqual(window.probability(PropertyValue(mean: 3.5, unit: "eV")), 0)
        XCTAssertEqual(window.probability(PropertyValue(mean: 3, unit: "eV")), 1, "bounds are inside")
        // is_metal: Bernoulli(probability of metal)
        let nonMetal = try CampaignSpec.Target(.isMetal, max: 0.5)
        XCTAssertEqual(nonMetal.probability(PropertyValue(mean: 0.2, sigma: 0.1, unit: "probability")), 0.8, accuracy: 1e-12)
        let metal = try CampaignSpec.Target(.isMetal, min: 0.5)
        XCTAssertEqual(metal.probability(PropertyValue(mean: 0.2, sigma: 0.1, unit: "probability")), 0.2, accuracy: 1e-12)
    }

    func testDistanceOutsideAWindow() throws {
        let window = try CampaignSpec.Target(.bulkModulus, min: 100, max: 200)
        XCTAssertEqual(window.distance(150), 0)
        XCTAssertEqual(window.distance(80), 20)
        XCTAssertEqual(window.distance(230), 30)
        XCTAssertEqual(try CampaignSpec.Target(.hhi, max: 2000).distance(500), 0)
        XCTAssertEqual(try CampaignSpec.Target(.hhi, max: 2000).distance(2500), 500)
    }
}
