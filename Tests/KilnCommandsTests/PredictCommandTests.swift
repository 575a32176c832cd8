import Foundation
import XCTest
@testable import KilnCommands

/// `kiln predict`: property names checked at parse time, the cheap properties run on NaCl, and
/// unreadable files named. (The elastic tensor and EOS are checked in PropertiesTests.)
final class PredictCommandTests: CommandTestCase {
    func testPropertyNamesAreChecked() throws {
        assertUsageError(["predict", "a.cif", "--property", "hardness"], "unknown property 'hardness'")
        assertUsageError(["predict", "a.cif"], "--property")
        let p = try parse(PredictCommand.self, ["predict", "a.cif", "--property", "eos", "--property", "bulk_modulus", "--json"])
        XCTAssertEqual(p.properties, ["eos", "bulk_modulus"])
    }

    func testDensityAndMagnetismOfRockSalt() throws {
        let salt = try rockSalt(primitive: true)
        let file = try write([salt], "NaCl.cif")
        let out = try run(["predict", file, "--property", "density", "--property", "volume_per_atom",
                           "--property", "magnetic_density", "--json"])
        let record = try XCTUnwrap((try json(out) as? [[String: Any]])?.first)
        let density = try XCTUnwrap(record["density"] as? [String: Any])
        XCTAssertEqual(density["mean"] as! Double, salt.density, accuracy: 1e-6)  // the CIF rounds the cell
        XCTAssertEqual(density["unit"] as? String, "g/cm³")
        XCTAssertNil(density["sigma"])
        XCTAssertEqual((record["volume_per_atom"] as! [String: Any])["mean"] as! Double, salt.volume / 2, accuracy: 1e-5)
        let m = (record["magnetic_density"] as! [String: Any])["mean"] as! Double
        XCTAssertGreaterThanOrEqual(m, 0)
        XCTAssertLessThan(m, 0.01)  // Na⁺Cl⁻ is non-magnetic
        let text = try run(["predict", file, "--property", "density"])
        XCTAssertTrue(text.contains("density = 2.1"), text)
    }

    func testUnreadableFileIsNamed() throws {
        let bad = try write(text: "not a structure", "bad.cif")
        assertRunError(["predict", bad, "--property", "density"], "bad.cif")
    }
}
