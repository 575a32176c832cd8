import ArgumentParser
import CrystalIO
import Foundation
import XCTest
@testable import KilnCommands

/// `kiln md`: a short CHGNet run, its summary and trajectory, and argument checks.
final class MDCommandTests: CommandTestCase {
    func testShortRunWritesSummaryAndTrajectory() throws {
        let file = try write([try rockSalt(primitive: false)], "NaCl.cif")
        let traj = path("traj.extxyz")
        let text = try run(["md", file, "--steps", "20", "--every", "5", "--temperature", "300", "--seed", "2", "--json", "--trajectory", traj])
        let r = try XCTUnwrap(try json(text) as? [String: Any])
        XCTAssertEqual(r["steps"] as? Int, 20)
        XCTAssertEqual(r["atoms"] as? Int, 8)
        // 20 fs of NVE at 300 K in rock salt: the total energy holds to well under a meV per atom.
        XCTAssertLessThan(abs(try XCTUnwrap(r["drift_eV_per_atom_per_ps"] as? Double)), 0.05)
        let frames = try ExtendedXYZ.read(try String(contentsOfFile: traj, encoding: .utf8))
        XCTAssertEqual(frames.count, 5, "the start and every 5th of 20 steps")
        let header = try String(contentsOfFile: traj, encoding: .utf8).split(separator: "\n")[1]
        XCTAssert(header.contains(":vx:R:1:vy:R:1:vz:R:1") && header.contains("step=20") == false && header.contains("temperature="), String(header))

        assertUsageError(["md", file, "--steps", "10", "--ensemble", "npt"], "--ensemble: nve or nvt")
        assertUsageError(["md", file, "--steps", "0"], "--steps and --every must be ≥ 1")
    }
}
