import ArgumentParser
import CrystalIO
import Foundation
import XCTest
@testable import KilnCommands

/// `kiln md`: short CHGNet runs, their summaries and trajectories, continuing a trajectory, and
/// argument checks.
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

        assertUsageError(["md", file, "--steps", "10", "--ensemble", "nph"], "--ensemble: nve, nvt or npt")
        assertUsageError(["md", file, "--steps", "0"], "--steps and --every must be ≥ 1")
    }

    func testNPTRunReportsPressureAndVolumeAndExtendsItsTrajectory() throws {
        let file = try write([try rockSalt(primitive: false)], "NaCl.cif")
        let traj = path("npt.extxyz")
        func arguments(_ steps: Int) -> [String] {
            ["md", file, "--ensemble", "npt", "--pressure", "2", "--steps", "\(steps)", "--every", "10", "--seed", "4", "--json", "--trajectory", traj]
        }
        let first = try XCTUnwrap(try json(try run(arguments(30))) as? [String: Any])
        XCTAssertNotNil(first["pressure_mean_GPa"] as? Double)
        XCTAssertNotNil(first["volume_sd_A3"] as? Double)
        let frames = try ExtendedXYZ.read(try String(contentsOfFile: traj, encoding: .utf8))
        XCTAssertEqual(frames.count, 4)
        XCTAssertNotEqual(frames.last!.lattice.volume, frames.first!.lattice.volume, "the barostat moves the cell")
        // The same command with more steps continues from step 30.
        let more = try XCTUnwrap(try json(try run(arguments(50))) as? [String: Any])
        XCTAssertEqual(more["resumed_from_step"] as? Int, 30)
        XCTAssertEqual(more["steps"] as? Int, 50)
        XCTAssertEqual(try ExtendedXYZ.read(try String(contentsOfFile: traj, encoding: .utf8)).count, 6)

        assertRunError(["md", file, "--ensemble", "npt", "--pressure", "3", "--steps", "60", "--trajectory", traj], "other settings", "ensemble")
        assertRunError(arguments(40), "already stands at step 50")
        let stray = try write([try rockSalt(primitive: false)], "stray.extxyz")
        assertRunError(["md", file, "--steps", "5", "--trajectory", stray], "without its state file")
    }
}
