import Foundation
import Potentials
import XCTest
@testable import KilnCommands

/// `--model` and `--committee`: every result names the model and its version, and bad names are
/// usage errors that list the models.
final class ModelOptionTests: CommandTestCase {
    func testEnergyAndRelaxRecordsNameTheModelAndItsVersion() throws {
        let label = try LoadedPotential(.default).label
        _ = try write([try rockSalt(primitive: true)], "NaCl.vasp")
        let energy = try XCTUnwrap(try json(try run(["energy", folder.path, "--json", "--model", "chgnet"])) as? [[String: Any]])
        XCTAssertEqual(energy.first?["model"] as? String, label)
        XCTAssertTrue(label.contains("CHGNet 0.3.0"), label)
        XCTAssertTrue(try run(["energy", folder.path]).hasPrefix("model: \(label)\n"))

        let relaxed = try XCTUnwrap(try json(try run(["relax", folder.path, "--out", path("out"), "--steps", "2", "--no-hull", "--json"])) as? [[String: Any]])
        XCTAssertEqual(relaxed.first?["model"] as? String, label)
        let csv = try String(contentsOfFile: path("out/summary.csv"), encoding: .utf8)
        XCTAssertTrue(csv.split(separator: "\n")[1].contains(label), csv)
    }

    func testUnknownOrRepeatedModelsAreUsageErrors() {
        assertUsageError(["energy", "a.cif", "--model", "mace"], "chgnet")
        assertUsageError(["relax", "a.cif", "--out", "o", "--model", "sevennet"], "--model")
        assertUsageError(["relax", "a.cif", "--out", "o", "--committee", "mace"], "unknown model 'mace'")
        assertUsageError(["relax", "a.cif", "--out", "o", "--committee", "chgnet"], "'chgnet' is --model")
        assertUsageError(["relax", "a.cif", "--out", "o", "--committee", ""], "unknown model ''")
        assertUsageError(["benchmark", "rediscovery", "--chemsys", "Na-Cl", "--committee", "chgnet"], "'chgnet' is --model")
    }
}
