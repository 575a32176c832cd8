import Foundation
import XCTest
@testable import KilnCommands

/// `kiln train` argument checks and `kiln predict` with the bundled learned models.
final class LearnedCommandTests: CommandTestCase {
    func testTrainArgumentsAreChecked() throws {
        assertUsageError(["train", "hardness"], "unknown property 'hardness'")
        assertUsageError(["train", "band_gap", "--members", "1"], "--members")
        let t = try parse(TrainCommand.self, ["train", "is_metal", "--epochs", "20", "--seed", "4", "--out", "m"])
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
}
