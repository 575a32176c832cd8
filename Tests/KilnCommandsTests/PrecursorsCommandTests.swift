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
        let keys = all.compactMap { r in (r["shelf_unstable"] as? [[String: Any]]).flatMap { s in (r["score"] as? Double).map { (s.count, $0) } } }
        XCTAssertEqual(keys.count, all.count)
        XCTAssertTrue(zip(keys, keys.dropFirst()).allSatisfy { $0 <= $1 }, "fewest precursors air changes, then lowest score, first: \(keys)")
        XCTAssertEqual(all.first?["equation"] as? String, "2 Ba(NO3)2 + 2 TiO2 -> 2 BaTiO3 + 4 NO2 + O2", "the first route's reagents both keep in air")
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
        XCTAssertTrue(try run(["precursors", "BaTiO3"]).contains(" BaO* + TiO2 -> BaTiO3"), "BaO is starred: air changes it")
    }

    func testListWithShelfEnergies() throws {
        let list = try XCTUnwrap(try json(try run(["precursors", "--list", "--json"])) as? [[String: Any]])
        XCTAssertEqual(list.count, 133)
        let byFormula = Dictionary(uniqueKeysWithValues: list.compactMap { r in (r["formula"] as? String).map { ($0, r) } })
        XCTAssertEqual(byFormula["MnO2"]?["changed_on_shelf"] as? Bool, false)
        XCTAssertEqual(byFormula["MnO"]?["changed_on_shelf"] as? Bool, true)
        XCTAssertGreaterThan(byFormula["MnO"]?["shelf_energy_per_cation"] as? Double ?? 0, 0.15)
        XCTAssertTrue(byFormula["C"]?["shelf_energy_per_cation"] is NSNull, "graphite has no cation")
        let text = try run(["precursors", "--list", "--air-stable"])
        XCTAssertTrue(text.contains("LiOH") && !text.contains("Li2O "), text)
    }

    func testBadInputs() throws {
        assertUsageError(["precursors", "BaTiO3", "--temperature", "200"], "between 300 and 2000 K")
        assertUsageError(["precursors", "BaTiO3", "--top", "0"], "--top must be at least 1")
        assertRunError(["precursors", "XeO3"], "no precursor in the list supplies Xe")
        assertRunError(["precursors", "Qq2O"], "Qq2O")
        assertUsageError(["precursors"], "give a target formula, or --list")
        assertUsageError(["precursors", "BaTiO3", "--list"], "--list takes no formula")
    }
}
