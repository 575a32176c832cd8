@testable import Campaign
import Foundation
import KilnTestSupport
import XCTest

/// A campaign relaxed by `kiln worker` processes through its SQLite store's task queue, one worker
/// killed with SIGKILL mid-relaxation, ends with the same candidates as the same campaign relaxed in
/// one process. (The queue's lease rules on both backends: KilnClusterTests/StoreBackendTests.)
final class TaskQueueTests: XCTestCase {
    func testWorkersKilledMidRelaxationLoseNothing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-workers-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let toml = dir.appendingPathComponent("c.toml")
        try TestCampaigns.naCl.write(to: toml, atomically: true, encoding: .utf8)
        let (single, queued) = (dir.appendingPathComponent("single"), dir.appendingPathComponent("queued"))
        let reference = try TestCampaigns.launch(["design", toml.path, "--out", single.path])
        reference.waitUntilExit()
        XCTAssertEqual(reference.terminationStatus, 0)

        let coordinator = try TestCampaigns.launch(["design", toml.path, "--out", queued.path, "--executor", "queue"])
        let storePath = queued.appendingPathComponent("campaign.sqlite").path
        let first = try TestCampaigns.launch(["worker", "--store", storePath, "--lease", "2", "--idle-exit", "60"])
        // Kill the worker once it has stored a result and holds the next task's lease.
        let deadline = Date().addingTimeInterval(240)
        var killedWhileLeased = false
        while Date() < deadline && first.isRunning {
            if let c = try? KnowledgeStore(path: storePath).queueCounts(), c.done >= 1, c.leased >= 1 {
                kill(first.processIdentifier, SIGKILL)
                killedWhileLeased = true
                break
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        first.waitUntilExit()
        XCTAssertTrue(killedWhileLeased, "the worker finished before it could be killed mid-relaxation")
        let second = try TestCampaigns.launch(["worker", "--store", storePath, "--lease", "2", "--idle-exit", "60"])
        defer { if second.isRunning { second.terminate() } }
        coordinator.waitUntilExit()
        XCTAssertEqual(coordinator.terminationStatus, 0)

        let a = try KnowledgeStore(path: single.appendingPathComponent("campaign.sqlite").path).all()
        let store = try KnowledgeStore(path: storePath)
        let b = try store.all()
        XCTAssertEqual(b.map(\.id), a.map(\.id))
        XCTAssertEqual(b.map(\.status), a.map(\.status))
        XCTAssertEqual(b.map(\.rank), a.map(\.rank), "the same ranking")
        for (x, y) in zip(a, b) {
            XCTAssertEqual(x.finalEnergyPerAtom ?? 0, y.finalEnergyPerAtom ?? 0, accuracy: 1e-9, x.id)
            XCTAssertEqual(x.relaxedStructure == nil, y.relaxedStructure == nil, x.id)
        }
        XCTAssertEqual(try store.queueCounts().open, 0)
        let attempts = try store.taskAttempts()
        XCTAssertEqual(attempts.filter { $0 == 2 }.count, 1, "the killed worker's task was taken over once: \(attempts)")
        XCTAssertTrue(attempts.allSatisfy { $0 == 1 || $0 == 2 })
    }
}
