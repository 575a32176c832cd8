import ArgumentParser
import Foundation
import XCTest
@testable import KilnCommands

/// `kiln precursors`: routes as JSON and text, the air-stable filter, and the errors for bad input.
final class PrecursorsCommandTests: CommandTestCase {
    func testRoutesAsJSONAndText() throws {
        let all = try XCTUnwrap(try json(try run(["precursors", "BaTiO3", "--top", "10", "--json"])) as? [[String: Any]])
        XCTAssertFalse(all.isEmpty)
        XCTAssertLessThanOrEqual(all.count, 10)
        let scores = all.compactMap { $0["score"] as? Double }
        XCTAssertEqual(scores.count, all.count)
        XCTAssertEqual(scores, scores.sorted(), "best (lowest score) first")
        for r in all {
            let energy = try XCTUnwrap(r["reaction_energy_per_atom"] as? Double), depth = try XCTUnwrap(r["competition_depth"] as? Double)
            XCTAssertEqual(r["score"] as? Double ?? .nan, energy + depth, accuracy: 1e-12)
            XCTAssertEqual(r["target"] as? String, "BaTiO3")
            XCTAssertEqual(r["temperature"] as? Double, 1000)
        }
        let equations = all.compactMap { $0["equation"] as? String }
        XCTAssertTrue(equations.contains("BaCO3 + TiO2 -> BaTiO3 + CO2"), "\(equations)")
        XCTAssertTrue(equations.contains { $0.contains("BaO ") }, "BaO is air-sensitive but allowed by default")

        let stable = try XCTUnwrap(try json(try run(["precursors", "BaTiO3", "--air-stable", "--json"])) as? [[String: Any]])
        XCTAssertFalse(stable.compactMap { $0["equation"] as? String }.contains { $0.contains("BaO ") }, "--air-stable leaves BaO out")
        XCTAssertLessThan(stable.count, all.count)

        let text = try run(["precursors", "SrTiO3", "--top", "2", "--temperature", "1200"])
        XCTAssertTrue(text.contains("routes to SrTiO3 at 1200 K"), text)
    }

    func testBadInputs() throws {
        assertUsageError(["precursors", "BaTiO3", "--temperature", "200"], "between 300 and 2000 K")
        assertUsageError(["precursors", "BaTiO3", "--top", "0"], "--top must be at least 1")
        assertRunError(["precursors", "XeO3"], "no precursor in the list supplies Xe")
        assertRunError(["precursors", "Qq2O"], "Qq2O")
    }
}
