import Campaign
import Crystal
import Foundation
import Potentials
import Tensor
import XCTest

/// `[constraints] dynamically_stable = true` with CHGNet (slow: in the Makefile's SLOW_SUITES):
/// phonons only for the stable unique candidates, stored once, shown in the report, required of
/// every ranked candidate.
final class PhononCampaignTests: XCTestCase {
    /// Single-threaded OpenBLAS, as in `kiln`: its spinning threads would fight the sampler's own.
    override func setUp() { ProcessSettings.applyForInference() }

    func testDynamicStabilityConstraint() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-phonon-campaign-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try CampaignSpec(toml: """
            name = "phonons"
            [target]
            chemical_systems = ["Na-Cl"]
            max_atoms = 4
            [relax]
            steps = 200
            [constraints]
            dynamically_stable = true
            [[generators]]
            kind = "substitution"
            budget = 6
            seed = 1
            """)
        XCTAssertTrue(spec.constraints.dynamicallyStable)
        let runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(try CHGNet(), name: "chgnet"))
        let summary = try runner.run()
        let all = try KnowledgeStore(path: summary.store).all()
        let key = "lowest_phonon_frequency"
        let computed = all.filter { $0.properties?[key] != nil }
        XCTAssertFalse(computed.isEmpty)
        for r in computed {
            XCTAssertEqual(r.isUnique, true)
            XCTAssertLessThanOrEqual(r.energyAboveHull!, spec.stabilityThreshold)
            XCTAssert(FileManager.default.fileExists(atPath: dir.appendingPathComponent("phonons/\(r.id).svg").path))
        }
        let ranked = all.filter { $0.rank != nil }
        XCTAssertFalse(ranked.isEmpty)
        for r in ranked { XCTAssertGreaterThanOrEqual(try XCTUnwrap(r.properties?[key]).mean, -0.1, r.formula) }
        // Rock-salt NaCl: CHGNet's phonons are real (experiment: no soft mode; highest LO–TO ≈ 7.8 THz without splitting).
        let rockSalt = try XCTUnwrap(computed.first { $0.spaceGroupAfter == "Fm-3m (225)" })
        XCTAssertNil(rockSalt.violations)
        for r in all where r.rank == nil && r.isUnique == true && r.properties?[key] == nil {
            XCTAssertNotNil(r.violations?.range(of: "dynamic stability unknown"), "\(r.formula): \(r.violations ?? "")")
        }
        let report = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssert(report.contains("dynamically stable: lowest frequency") && report.contains("<svg class=\"phonons\""))
        XCTAssert(report.contains("dynamically_stable"), "the constraint is listed in the settings")

        // A rerun finds every phonon result stored and repeats none.
        let before = try String(contentsOf: dir.appendingPathComponent("phonons/\(rockSalt.id).csv"), encoding: .utf8)
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("phonons/\(rockSalt.id).csv").path)
        _ = try runner.run()
        let again = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("phonons/\(rockSalt.id).csv").path)
        XCTAssertEqual(attributes[.modificationDate] as? Date, again[.modificationDate] as? Date)
        XCTAssertEqual(before, try String(contentsOf: dir.appendingPathComponent("phonons/\(rockSalt.id).csv"), encoding: .utf8))
        XCTAssertEqual(try KnowledgeStore(path: summary.store).all().map { $0.properties?[key]?.mean }, all.map { $0.properties?[key]?.mean })
    }
}
