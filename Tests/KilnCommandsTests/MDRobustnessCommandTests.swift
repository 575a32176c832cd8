import ArgumentParser
import Foundation
import XCTest
@testable import KilnCommands

/// `kiln robustness`: a short CHGNet anneal of rock salt, its JSON record, and argument checks.
final class MDRobustnessCommandTests: CommandTestCase {
    func testShortAnnealGivesAVerdictWithItsNumbers() throws {
        let file = try write([try rockSalt(primitive: false)], "NaCl.cif")
        let text = try run(["robustness", file, "--temperature", "300", "--time", "0.1", "--min-width", "5", "--json"])
        let records = try XCTUnwrap(try json(text) as? [[String: Any]])
        let r = try XCTUnwrap(records.first)
        XCTAssertEqual(r["supercell_atoms"] as? Int, 8, "the 5.64 Å cell is already 5 Å wide")
        XCTAssertEqual(r["steps"] as? Int, 50)
        XCTAssertEqual(r["verdict"] as? String, "robust", "\(r.filter { $0.key != "rdf" })")
        XCTAssertEqual(r["same_structure_after_quench"] as? Bool, true)
        let rdf = try XCTUnwrap(r["rdf"] as? [String: [Double]])
        XCTAssertEqual(rdf["r_A"]?.count, rdf["hot"]?.count)
        XCTAssertGreaterThan(try XCTUnwrap(r["lindemann"] as? Double), 0)

        assertUsageError(["robustness", file, "--time", "0.01"], "--time must be at least 20 time steps")
        assertUsageError(["robustness", file, "--temperature", "0"], "must be positive")
    }
}
