import CrystalIO
import Diffusion
import Foundation
import KilnTestSupport
import XCTest

/// `kiln train diffusion` killed with SIGKILL after a checkpoint: the same command resumes from it
/// and ends with the weights of a run that was never interrupted.
final class TrainingKillTests: CommandTestCase {
    func testKillNineDuringTrainingResumesFromTheLastCheckpoint() throws {
        var csv = "material_id,cif\n"
        for k in 0..<40 {
            let cif = try String(decoding: StructureFile.data([try rockSalt(primitive: true, a: 5.0 + 0.02 * Double(k))], format: .cif), as: UTF8.self)
            csv += "salt-\(k),\"\(cif)\"\n"
        }
        let data = try write(text: csv, "salts.csv")
        func arguments(_ out: String) -> [String] {
            ["train", "diffusion", "--data", data, "--epochs", "120", "--hidden", "16", "--layers", "1", "--batch-size", "8", "--out", out]
        }
        func finish(_ p: Process) {
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0)
        }
        let straight = path("straight"), killed = path("killed")
        finish(try TestCampaigns.launch(arguments(straight)))

        let first = try TestCampaigns.launch(arguments(killed))
        let checkpoint = killed + "/checkpoint.safetensors"
        let deadline = Date().addingTimeInterval(120)
        while first.isRunning && Date() < deadline && !FileManager.default.fileExists(atPath: killed + "/history.csv") {
            Thread.sleep(forTimeInterval: 0.01)
        }
        XCTAssertTrue(first.isRunning, "training finished before it could be killed; give it more epochs")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)
        let interrupted = try DiffusionCheckpoint(contentsOf: URL(fileURLWithPath: checkpoint))
        XCTAssert((1..<120).contains(interrupted.epoch), "killed after epoch \(interrupted.epoch)")

        finish(try TestCampaigns.launch(arguments(killed)))
        let resumed = try DiffusionCheckpoint(contentsOf: URL(fileURLWithPath: checkpoint))
        XCTAssertEqual(resumed.history.map(\.epoch), Array(1...120))
        XCTAssertEqual(Array(resumed.history.prefix(interrupted.epoch)).map(\.loss), interrupted.history.map(\.loss),
                       "the epochs before the kill are kept as they were")
        let reference = try DiffusionCheckpoint(contentsOf: URL(fileURLWithPath: straight + "/checkpoint.safetensors"))
        XCTAssertEqual(resumed.history.map(\.loss), reference.history.map(\.loss))
        XCTAssertEqual(try DiffusionModel(contentsOf: URL(fileURLWithPath: killed + "/model.safetensors")).parameters,
                       try DiffusionModel(contentsOf: URL(fileURLWithPath: straight + "/model.safetensors")).parameters,
                       "the resumed run ends with the uninterrupted run's weights")
    }
}
