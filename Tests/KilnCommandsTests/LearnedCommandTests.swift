import Foundation
import XCTest
@testable import KilnCommands

/// `kiln train` argument checks and `kiln predict` with the bundled learned models.
final class LearnedCommandTests: CommandTestCase {
    func testTrainArgumentsAreChecked() throws {
        assertUsageError(["train", "hardness"], "unknown property 'hardness'")
        assertUsageError(["train", "band_gap", "--members", "1"], "--members")
        let t = try parse(TrainPropertyCommand.self, ["train", "is_metal", "--epochs", "20", "--seed", "4", "--out", "m"])
        XCTAssertEqual([t.rounds, Int(t.seed)], [20, 4])
    }

    func testPredictsBandGapWithSigma() throws {
        let file = try write([try rockSalt(primitive: true)], "NaCl.cif")
        let out = try run(["predict", file, "--property", "band_gap", "--property", "is_metal", "--json"])
        let record = try XCTUnwrap((try json(out) as? [[String: Any]])?.first)
        let gap = try XCTUnwrap(record["band_gap"] as? [String: Any])
        XCTAssertGreaterThan(gap["mean"] as! Double, 3)
        XCTAssertGreaterThan(gap["sigma"] as! Double, 0)
        XCTAssertEqual(gap["unit"] as? String, "eV")
        XCTAssertLessThan((record["is_metal"] as! [String: Any])["mean"] as! Double, 0.5)
        let text = try run(["predict", file, "--property", "formation_energy"])
        XCTAssertTrue(text.contains("formation_energy = -") && text.contains("eV/atom"), text)
    }

    func testExplainsLearnedProperties() throws {
        assertUsageError(["predict", "a.cif", "--property", "band_gap", "--property", "bulk_modulus", "--explain"],
                         "'bulk_modulus' comes from CHGNet")
        assertUsageError(["predict", "a.cif", "--property", "band_gap", "--explain", "--top", "0"], "--top must be at least 1")
        assertUsageError(["predict", "a.cif", "--property", "band_gap", "--top", "3"], "--top needs --explain")
        let file = try write([try rockSalt(primitive: true)], "NaCl.cif")
        let out = try run(["predict", file, "--property", "band_gap", "--property", "is_metal", "--explain", "--top", "3", "--json"])
        let record = try XCTUnwrap((try json(out) as? [[String: Any]])?.first)
        let gap = try XCTUnwrap(record["band_gap"] as? [String: Any])
        let explanation = try XCTUnwrap(gap["explanation"] as? [String: Any])
        XCTAssertEqual(explanation["unit"] as? String, "eV")
        XCTAssertEqual(explanation["prediction"] as! Double, gap["mean"] as! Double, accuracy: 1e-9, "NaCl's gap is not clipped")
        let contributions = try XCTUnwrap(explanation["contributions"] as? [[String: Any]])
        XCTAssertEqual(contributions.count, 3)
        let magnitudes = contributions.map { abs($0["contribution"] as! Double) }
        XCTAssertEqual(magnitudes, magnitudes.sorted(by: >), "largest first")
        XCTAssertTrue(contributions.allSatisfy { $0["feature"] is String && $0["value"] is Double }, "\(contributions)")
        let metal = try XCTUnwrap((record["is_metal"] as? [String: Any])?["explanation"] as? [String: Any])
        XCTAssertEqual(metal["unit"] as? String, "log-odds")
        XCTAssertLessThan(metal["prediction"] as! Double, 0, "NaCl is an insulator")

        let text = try run(["predict", file, "--property", "formation_energy", "--explain"])
        let lines = text.split(separator: "\n").filter { $0.range(of: #"^    [+-]\d+\.\d{3} eV/atom  .+ = "#, options: .regularExpression) != nil }
        XCTAssertEqual(lines.count, 8, text)
        XCTAssertTrue(text.contains("TreeSHAP (eV/atom): base "), text)
    }
}
