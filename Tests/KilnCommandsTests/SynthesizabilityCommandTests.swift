import ArgumentParser
import Foundation
import XCTest
@testable import KilnCommands

/// `kiln synthesizability` and `kiln train synthesizability`: parsing, a formula and a structure
/// scored in process, and the errors for bad input.
final class SynthesizabilityCommandTests: CommandTestCase {
    func testFormulaAndStructureRecords() throws {
        let file = try write([try rockSalt(primitive: true)], "NaCl.cif")
        let text = try run(["synthesizability", "LiCoO2", "NaCl9", file, "--json"])
        let records = try XCTUnwrap(try json(text) as? [[String: Any]])
        XCTAssertEqual(records.map { $0["formula"] as? String }, ["LiCoO2", "NaCl9", "NaCl"])
        XCTAssertEqual(records.map { $0["synthesizable"] as? Bool }, [true, false, true])
        XCTAssertEqual(records[0]["oxidation_states"] as? [String: Int], ["Li": 1, "Co": 3, "O": -2])
        XCTAssertEqual(records[1]["charge_balanced"] as? Bool, false)
        XCTAssertNil(records[0]["bond_valence"], "a formula has no structure")
        let bv = try XCTUnwrap(records[2]["bond_valence"] as? [String: Any])
        XCTAssertEqual(bv["oxidation_states"] as? [Int], [1, -1])
        XCTAssertEqual(bv["plausible"] as? Bool, true)

        let plain = try run(["synthesizability", "NaCl9"])
        XCTAssertTrue(plain.contains("NOT synthesizable") && plain.contains("charge balanced: no"), plain)
    }

    func testBadInputs() throws {
        assertRunError(["synthesizability", "Xq2O"], "'Xq2O' is neither a file nor a formula")
        assertRunError(["synthesizability", "NaCl", "--model", path("missing.json.gz")], "missing.json.gz")
        let junk = try write(text: "not a structure\n", "junk.cif")
        XCTAssertThrowsError(try run(["synthesizability", junk]))
        assertUsageError(["train", "synthesizability", "--members", "0"], "--members must be at least 1")
        let train = try parse(TrainSynthesizabilityCommand.self, ["train", "synthesizability", "--seed", "3", "--rounds", "20"])
        XCTAssertEqual(train.seed, 3)
        XCTAssertEqual(train.rounds, 20)
    }
}
