import Campaign
import Crystal
import Foundation
import Potentials
import Tensor
import XCTest

/// `[constraints] thermally_robust = true` with CHGNet (slow: in the Makefile's SLOW_SUITES): the
/// thermal-robustness verdict only for the stable unique candidates, stored once, shown in the
/// report, required of every ranked candidate; its keys range-checked.
final class ThermalCampaignTests: XCTestCase {
    override func setUp() { ProcessSettings.applyForInference() }

    func spec(_ constraints: String) throws -> CampaignSpec {
        try CampaignSpec(toml: """
            name = "thermal"
            [target]
            chemical_systems = ["Na-Cl"]
            max_atoms = 4
            [relax]
            steps = 200
            [constraints]
            \(constraints)
            [[generators]]
            kind = "substitution"
            budget = 6
            seed = 1
            """)
    }

    func testThermalRobustnessConstraint() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-thermal-campaign-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try spec("thermally_robust = true\nthermal_temperature = 600\nthermal_time = 0.2")
        XCTAssertEqual(spec.constraints.thermalTemperature, 600)
        let runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(try CHGNet(), name: "chgnet"))
        let summary = try runner.run()
        let all = try KnowledgeStore(path: summary.store).all()
        let key = "thermal_verdict"
        let computed = all.filter { $0.properties?[key] != nil }
        XCTAssertFalse(computed.isEmpty)
        for r in computed {
            XCTAssertEqual(r.isUnique, true)
            XCTAssertLessThanOrEqual(r.energyAboveHull!, spec.stabilityThreshold)
            XCTAssertEqual(r.properties?["thermal_temperature"]?.mean, 600)
            XCTAssertNotNil(r.properties?["thermal_lindemann"])
        }
        for r in all where r.rank != nil { XCTAssertEqual(r.properties?[key]?.mean, 0, "\(r.formula): ranked only when robust") }
        // Rock-salt NaCl at 600 K (melts at 1074 K) is robust.
        let rockSalt = try XCTUnwrap(computed.first { $0.spaceGroupAfter == "Fm-3m (225)" })
        XCTAssertEqual(rockSalt.properties?[key]?.mean, 0)
        XCTAssertNil(rockSalt.violations)
        for r in all where r.rank == nil && r.isUnique == true && r.properties?[key] == nil {
            XCTAssertNotNil(r.violations?.range(of: "thermal robustness unknown"), "\(r.formula): \(r.violations ?? "")")
        }
        let report = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssert(report.contains("robust after 600 K for 0.2 ps") && report.contains("Lindemann ratio"))
        XCTAssert(report.contains("thermally_robust (600.0 K, 0.2 ps)"), "the constraint is listed in the settings")

        // A rerun finds every verdict stored and repeats none.
        _ = try runner.run()
        XCTAssertEqual(try KnowledgeStore(path: summary.store).all().map { $0.properties?["thermal_msd"]?.mean }, all.map { $0.properties?["thermal_msd"]?.mean })
    }

    func testThermalKeysAreChecked() throws {
        XCTAssertThrowsError(try spec("thermally_robust = true\nthermal_temperature = 0")) { XCTAssert("\($0)".contains("thermal_temperature"), "\($0)") }
        XCTAssertThrowsError(try spec("thermal_time = 1000")) { XCTAssert("\($0)".contains("thermal_time"), "\($0)") }
        XCTAssertThrowsError(try spec("thermal_robust = true")) { XCTAssert("\($0)".contains("thermal_robust"), "\($0)") }
        let defaults = try spec("thermally_robust = true")
        XCTAssertEqual(defaults.constraints.thermalTemperature, 1000)
        XCTAssertEqual(defaults.constraints.thermalTime, 2)
    }
}
