import Campaign
import Foundation
import GRDB
import KilnCluster
import Properties
import XCTest

/// The knowledge store behaves the same on both backends — SQLite, and a real PostgreSQL server
/// (`KILN_TEST_POSTGRES`, started by scripts/cluster_services; without it only SQLite is tried,
/// except in CI, where its absence fails): the same tables and columns, records read back as
/// written, leases that expire hand a task to another worker, only the lease holder's result is
/// stored, a task whose workers keep dying fails its candidate, and workers claiming at the same
/// time never get the same task.
final class StoreBackendTests: XCTestCase {
    /// A fresh store on each backend available.
    func stores() throws -> [KnowledgeStore] {
        try locations().map { try KnowledgeStore(path: $0) }
    }

    /// Where fresh stores are: an SQLite file, and a new PostgreSQL database when there is a server.
    func locations() throws -> [String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-store-\(UUID()).sqlite").path
        addTeardownBlock { for s in ["", "-wal", "-shm", "-migration.lock"] { try? FileManager.default.removeItem(atPath: path + s) } }
        return [path] + (try TestPostgres.freshDatabase().map { [$0] } ?? [])
    }

    func candidates(_ n: Int) -> [CandidateRecord] {
        (0..<n).map { i in
            CandidateRecord(id: "c\(i)", ordinal: i, generator: "test", parent: nil, seed: Int64(i), substitution: i == 0 ? "Na→Li" : nil,
                            formula: "NaCl", nSites: 2, nElements: 2, initialStructure: "{}")
        }
    }

    func testRecordsAndOutcomesReadBackAsWritten() throws {
        for s in try stores() {
            var records = candidates(3)
            XCTAssertEqual(try s.insertNew(records), 3, s.path)
            XCTAssertEqual(try s.insertNew(records), 0, "stored once: \(s.path)")
            records[1].status = .relaxed
            records[1].isStable = true
            records[1].isNovel = false
            records[1].energyAboveHull = 0.0125
            records[1].magneticMoments = [0.5, 0]
            records[1].properties = ["band_gap": PropertyValue(mean: 1.5, sigma: 0.25, unit: "eV")]
            records[1].round = 2
            try s.update(records[1])
            XCTAssertEqual(try s.all(), records, s.path)
            XCTAssertEqual(try s.candidates(status: .relaxed).map(\.id), ["c1"], s.path)
            XCTAssertEqual(try s.count(generator: "test"), 3)
            var missing = records[0]
            missing.id = "nowhere"
            XCTAssertThrowsError(try s.update(missing), "an update of a candidate not stored is an error: \(s.path)")

            try s.setMeta("k", "a")
            try s.setMeta("k", "b")
            XCTAssertEqual(try s.meta("k"), "b")
            XCTAssertNil(try s.meta("absent"))

            var o = LabOutcome(candidateId: "c1", kind: .synthesis, author: "A. Chemist", method: "900 °C, 12 h",
                               recordedAt: Date(timeIntervalSince1970: 1_765_000_000.25), source: "api")
            o.succeeded = true
            o.phasePure = false
            let stored = try s.record([o, o])
            XCTAssertEqual(stored.compactMap(\.id).count, 2, s.path)
            XCTAssertNotEqual(stored[0].id, stored[1].id)
            XCTAssertEqual(try s.outcomes(candidate: "c1"), stored, s.path)
            var orphan = o
            orphan.candidateId = "nowhere"
            XCTAssertThrowsError(try s.record([o, orphan]), "all or none: \(s.path)")
            XCTAssertEqual(try s.outcomes().count, 2, "nothing of the refused batch was stored: \(s.path)")
        }
    }

    func testExpiredLeaseGoesToAnotherWorkerAndOnlyItsResultCounts() throws {
        for s in try stores() {
            let records = candidates(3)
            try s.insertNew(records)
            try s.enqueue(records)
            try s.enqueue(records)  // queued once only
            XCTAssertEqual(try s.queueCounts(), .init(pending: 3, leased: 0, done: 0), s.path)
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
            XCTAssertEqual(try s.queueCounts(), .init(pending: 1, leased: 1, done: 1), s.path)
            XCTAssertEqual(try s.taskAttempts(), [2, 1, 0])
        }
    }

    func testATaskThatKillsItsWorkersFailsItsCandidate() throws {
        for s in try stores() {
            let records = candidates(3)
            try s.insertNew(records)
            try s.enqueue(records)
            var t = Date()
            for attempt in 1...KnowledgeStore.maxAttempts {
                XCTAssertEqual(try s.claim(owner: "w\(attempt)", lease: 1, now: t)?.id, "c0")
                t = t.addingTimeInterval(2)  // the worker died: its lease runs out
                _ = try s.claim(owner: "other", lease: 1000, now: t.addingTimeInterval(-1.5))  // c1, c2 go elsewhere meanwhile
            }
            XCTAssertNil(try s.claim(owner: "last", lease: 1, now: t), "c0 is given up; c1 and c2 are held")
            let c0 = try XCTUnwrap(try s.all().first { $0.id == "c0" })
            XCTAssertEqual(c0.status, .failed, s.path)
            XCTAssertTrue(c0.error?.contains("worker was lost 3 times") ?? false, c0.error ?? "")
        }
    }

    /// Eight workers, each with its own connection, claim 60 tasks as fast as they can: every task
    /// is handed out exactly once.
    func testConcurrentClaimsNeverShareATask() throws {
        for location in try locations() {
            let s = try KnowledgeStore(path: location)
            let records = candidates(60)
            try s.insertNew(records)
            try s.enqueue(records)
            let claimed = LockedClaims()
            DispatchQueue.concurrentPerform(iterations: 8) { w in
                do {
                    let mine = try KnowledgeStore(path: location)
                    while let task = try mine.claim(owner: "w\(w)", lease: 600) { claimed.add(task.id) }
                } catch {
                    claimed.fail("\(error)")
                }
            }
            XCTAssertEqual(claimed.errors, [], s.path)
            XCTAssertEqual(claimed.ids.count, 60, s.path)
            XCTAssertEqual(Set(claimed.ids).count, 60, "no task went to two workers: \(s.path)")
            XCTAssertEqual(try s.queueCounts(), .init(pending: 0, leased: 60, done: 0))
        }
    }

    /// The PostgreSQL store has the SQLite store's tables and columns, with matching types.
    func testPostgresTablesAreTheSQLiteTables() throws {
        guard let url = try TestPostgres.freshDatabase() else { throw XCTSkip("no PostgreSQL server (KILN_TEST_POSTGRES)") }
        _ = try KnowledgeStore(path: url)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-schema-\(UUID()).sqlite").path
        _ = try KnowledgeStore(path: path)
        let sqliteTypes = ["TEXT": "text", "INTEGER": "bigint", "DOUBLE": "double precision", "BOOLEAN": "bigint", "DATETIME": "text"]
        let queue = try DatabaseQueue(path: path)
        let pg = try PostgresStoreBackend(url: url, readOnly: true)
        for table in ["meta", "candidate", "mlip_reference", "outcome", "task"] {
            let lite = try queue.read { try $0.columns(in: table) }.map { ($0.name, sqliteTypes[$0.type] ?? $0.type) }
            let post = try pg.read {
                try $0.rows("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? AND table_schema = 'public'",
                            [table.databaseValue])
            }.map { ($0["column_name"] as String, $0["data_type"] as String) }
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: post), Dictionary(uniqueKeysWithValues: lite), table)
        }
    }

    func testBadLocationsAreClearErrors() throws {
        for (url, expected) in [("postgres://127.0.0.1:5432/", "no database name"), ("postgres://host/db?color=red", "unknown parameter"),
                                ("mysql://host/db", "no knowledge-store backend for 'mysql:'")] {
            PostgresStoreBackend.register()
            XCTAssertThrowsError(try KnowledgeStore(path: url), url) { XCTAssertTrue("\($0)".contains(expected), "\($0)") }
        }
        // Nothing listens on port 1.
        let noServer = try PostgresStoreBackend(url: "postgres://kiln:secret@127.0.0.1:1/none", readOnly: true)
        noServer.reconnectWindow = 1
        XCTAssertThrowsError(try KnowledgeStore(backend: noServer).meta("k")) {
            XCTAssertTrue("\($0)".contains("cannot reach the database"), "\($0)")
            XCTAssertFalse("\($0)".contains("secret"), "no password in messages: \($0)")
        }
        XCTAssertEqual(KnowledgeStore.display("postgres://kiln:secret@db:5432/kiln"), "postgres://kiln@db:5432/kiln")
    }
}

final class LockedClaims: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var ids: [String] = []
    private(set) var errors: [String] = []
    func add(_ id: String) { lock.withLock { ids.append(id) } }
    func fail(_ e: String) { lock.withLock { errors.append(e) } }
}

/// The test PostgreSQL server of scripts/cluster_services.
enum TestPostgres {
    /// A new, empty database on the server named by `KILN_TEST_POSTGRES`, as a store URL; nil when
    /// the variable is not set, an error when it is not set in CI (which starts the server).
    static func freshDatabase() throws -> String? {
        let env = ProcessInfo.processInfo.environment
        guard let base = env["KILN_TEST_POSTGRES"], var url = URLComponents(string: base) else {
            if env["CI"] != nil { throw KnowledgeStoreError(description: "CI runs the PostgreSQL tests, but KILN_TEST_POSTGRES is not set (scripts/cluster_services)") }
            return nil
        }
        PostgresStoreBackend.register()
        let name = "kiln_test_\(UUID().uuidString.prefix(8).lowercased())"
        _ = try PostgresStoreBackend(url: base, readOnly: true).read { try $0.execute("CREATE DATABASE \"\(name)\"", []) }
        url.path = "/" + name
        return url.string!
    }
}
