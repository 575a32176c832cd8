import ArgumentParser
import Foundation
import XCTest
@testable import KilnCommands

/// `kiln phonons`: JSON record, band files, refusals.
final class PhononsCommandTests: CommandTestCase {
    func testRockSaltPhononsAndRefusals() throws {
        let file = try write([try rockSalt(primitive: true)], "NaCl.cif")
        let out = path("bands")
        let text = try run(["phonons", file, "--supercell", "3x3x3", "--json", "--out", out])
        let records = try XCTUnwrap(try json(text) as? [[String: Any]])
        XCTAssertEqual(records.count, 1)
        let r = records[0]
        XCTAssertEqual(r["supercell"] as? [Int], [3, 3, 3])
        XCTAssertEqual(r["supercell_atoms"] as? Int, 54)
        XCTAssertEqual(r["displacements"] as? Int, 2, "Na and Cl, each once: m-3m turns +d into −d")
        XCTAssertEqual(r["dynamically_stable"] as? Bool, true)
        let gamma = try XCTUnwrap(r["gamma_THz"] as? [Double])
        XCTAssertEqual(gamma.count, 6)
        XCTAssertEqual(gamma.prefix(3).map(abs).max()!, 0, accuracy: 1e-3)
        XCTAssertGreaterThan(gamma[3], 0.5, "optical modes at Γ")
        let csv = try String(contentsOfFile: out + "/NaCl.band.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "distance,q1,q2,q3,label,band1_THz,band2_THz,band3_THz,band4_THz,band5_THz,band6_THz")
        XCTAssertEqual(csv.count, 1 + 1 + 6 * 20)
        XCTAssert(try String(contentsOfFile: out + "/NaCl.band.svg", encoding: .utf8).hasPrefix("<svg class=\"phonons\""))

        assertUsageError(["phonons", file, "--supercell", "3x3"], "--supercell: expected three positive integers")
        // A refused structure is reported on stderr (PhononModelTests checks the words) and fails the run.
        XCTAssertThrowsError(try run(["phonons", file, "--supercell", "4x4x4", "--max-atoms", "100"])) { XCTAssertEqual($0 as? ExitCode, .failure) }
    }
}
