@testable import Campaign
import Foundation
import GRDB
import KilnTestSupport
import XCTest

/// The knowledge store's task queue: leases that expire hand a task to another worker, a result is
/// stored only by the lease holder, a task whose workers keep dying fails its candidate; and a
/// campaign relaxed by `kiln worker` processes, one killed with SIGKILL mid-relaxation, ends with
/// the same candidates as the same campaign relaxed in one process.
final class TaskQueueTests: XCTestCase {
    func store() throws -> KnowledgeStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-queue-\(UUID()).sqlite").path
        let s = try KnowledgeStore(path: path)
        let records = (0..<3).map { i in
            CandidateRecord(id: "c\(i)", ordinal: i, generator: "test", parent: nil, seed: 0, substitution: nil, formula: "NaCl",
                            nSites: 2, nElements: 2, initialStructure: "{}")
        }
        try s.insertNew(records)
        try s.enqueue(records)
        try s.enqueue(records)  // queued once only
        return s
    }

    func testExpiredLeaseGoesToAnotherWorkerAndOnlyItsResultCounts() throws {
        let s = try store()
        XCTAssertEqual(try s.queueCounts(), .init(pending: 3, leased: 0, done: 0))
        let t0 = Date()
        let a = try XCTUnwrap(try s.claim(owner: "A", lease: 10, now: t0))
        XCTAssertEqual(a.id, "c0", "tasks go out in generation order")
        XCTAssertEqual(try s.claim(owner: "B", lease: 10, now: t0)?.id, "c1", "a live lease is not handed out again")
        XCTAssertTrue(try s.renew("c0", owner: "A", lease: 10, now: t0.addingTimeInterval(5)))
        XCTAssertFalse(try s.renew("c0", owner: "B", lease: 10, now: t0))
        // A's lease (renewed to t0 + 15) runs out; C takes c0 over.
        XCTAssertEqual(try s.claim(owner: "C", lease: 10, now: t0.addingTimeInterval(16))?.id, "c0")
        var late = a
        late.status = .relaxed
        late.finalEnergyPerAtom = -1
        XCTAssertFalse(try s.complete(late, owner: "A"), "A lost its lease: its late result is dropped")
        XCTAssertNil(try s.all().first { $0.id == "c0" }?.finalEnergyPerAtom)
        var result = a
        result.status = .relaxed
        result.finalEnergyPerAtom = -2
        XCTAssertTrue(try s.complete(result, owner: "C"))
        XCTAssertFalse(try s.complete(result, owner: "C"), "a done task takes no second result")
        XCTAssertEqual(try s.all().first { $0.id == "c0" }?.finalEnergyPerAtom, -2)
        XCTAssertEqual(try s.queueCounts(), .init(pending: 1, leased: 1, done: 1))
    }

    func testATaskThatKillsItsWorkersFailsItsCandidate() throws {
        let s = try store()
        var t = Date()
        for attempt in 1...KnowledgeStore.maxAttempts {
            XCTAssertEqual(try s.claim(owner: "w\(attempt)", lease: 1, now: t)?.id, "c0")
            t = t.addingTimeInterval(2)  // the worker died: its lease runs out
            _ = try s.claim(owner: "other", lease: 1000, now: t.addingTimeInterval(-1.5))  // c1, c2 go elsewhere meanwhile
        }
        XCTAssertNil(try s.claim(owner: "last", lease: 1, now: t), "c0 is given up; c1 and c2 are held")
        let c0 = try XCTUnwrap(try s.all().first { $0.id == "c0" })
        XCTAssertEqual(c0.status, .failed)
        XCTAssertTrue(c0.error?.contains("worker was lost 3 times") ?? false, c0.error ?? "")
    }

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
        let attempts = try store.db.read { try Int.fetchAll($0, sql: "SELECT attempts FROM task ORDER BY ordinal") }
        XCTAssertEqual(attempts.filter { $0 == 2 }.count, 1, "the killed worker's task was taken over once: \(attempts)")
        XCTAssertTrue(attempts.allSatisfy { $0 == 1 || $0 == 2 })
    }
}
