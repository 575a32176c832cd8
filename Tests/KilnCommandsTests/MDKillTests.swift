import CrystalIO
import Foundation
import KilnTestSupport
import XCTest

/// `kiln md --trajectory` killed with SIGKILL: the same command continues from the last saved frame,
/// drops a torn frame with a notice, and ends with the trajectory of a run never interrupted (every
/// byte: the noise of step n depends only on the seed and n, and the saved state is exact).
final class MDKillTests: CommandTestCase {
    func testKillNineDuringMDContinuesToTheUninterruptedTrajectory() throws {
        let file = try write([try rockSalt(primitive: false)], "NaCl.cif")
        func arguments(_ trajectory: String) -> [String] {
            ["md", file, "--ensemble", "npt", "--pressure", "1", "--temperature", "600", "--steps", "1200", "--every", "20",
             "--seed", "11", "--trajectory", trajectory]
        }
        let straight = path("straight.extxyz"), killed = path("killed.extxyz")
        let reference = try TestCampaigns.launch(arguments(straight))
        reference.waitUntilExit()
        XCTAssertEqual(reference.terminationStatus, 0)

        let first = try TestCampaigns.launch(arguments(killed))
        let deadline = Date().addingTimeInterval(120)
        func savedStep() -> Int {
            guard let data = FileManager.default.contents(atPath: killed + ".state.json"),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return 0 }
            return object["step"] as? Int ?? 0
        }
        while first.isRunning && Date() < deadline && savedStep() < 200 { Thread.sleep(forTimeInterval: 0.005) }
        XCTAssertTrue(first.isRunning, "the run finished before it could be killed; give it more steps")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)
        let stopped = savedStep()
        XCTAssert((200..<1200).contains(stopped), "killed at step \(stopped)")

        // A kill while a frame is written leaves half of it.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: killed))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("8\nLattice=\"5.6 0 0 0 5.6 0 0 0 5.6\" Properties=species:S:1:pos:R:3 step=99999\nNa 0.1 0.2".utf8))
        try handle.close()

        let second = TestCampaigns.kiln.map { url -> Process in
            let p = Process()
            p.executableURL = url
            p.arguments = arguments(killed)
            p.standardOutput = FileHandle.nullDevice
            return p
        }
        let process = try XCTUnwrap(second)
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let notices = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, notices)
        XCTAssert(notices.contains("dropped a torn last frame"), notices)
        XCTAssert(notices.contains("continuing from step \(stopped)"), notices)

        let a = try String(contentsOfFile: straight, encoding: .utf8), b = try String(contentsOfFile: killed, encoding: .utf8)
        XCTAssertEqual(try ExtendedXYZ.read(b).count, 61, "frames at steps 0, 20, …, 1200")
        XCTAssertEqual(a, b, "the continued trajectory is the uninterrupted one")
    }
}
