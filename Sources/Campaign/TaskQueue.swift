import Foundation
import GRDB
import KilnSupport
import Potentials

/// The knowledge store's task queue: relaxations handed to worker processes through the database.
/// A worker claims a task with a lease that expires unless renewed, so a dead worker's task goes
/// back to the queue; a result is accepted only from the worker that holds the lease, so nothing is
/// done twice. A task that lost its lease `maxAttempts` times fails its candidate (a structure that
/// kills every worker must not stop the campaign).
extension KnowledgeStore {
    public static let maxAttempts = 3

    /// Where the queue stands.
    public struct QueueCounts: Sendable, Equatable {
        public var pending = 0, leased = 0, done = 0
        public var open: Int { pending + leased }
    }

    static func addTaskTable(_ db: Database) throws {
        try db.create(table: "task") { t in
            t.primaryKey("candidateId", .text).references(CandidateRecord.databaseTableName)
            t.column("ordinal", .integer).notNull()
            t.column("state", .text).notNull().indexed()
            t.column("owner", .text)
            t.column("leaseExpires", .double)
            t.column("attempts", .integer).notNull().defaults(to: 0)
        }
    }

    /// Queues relaxations of candidates not queued yet.
    public func enqueue(_ records: [CandidateRecord]) throws {
        try immediate { db in
            for r in records {
                try db.execute(sql: "INSERT OR IGNORE INTO task(candidateId, ordinal, state) VALUES (?, ?, 'pending')", arguments: [r.id, r.ordinal])
            }
        }
    }

    /// Takes the first open task (pending, or leased with an expired lease) for `owner` until
    /// `lease` seconds from now; nil when none is open.
    public func claim(owner: String, lease: TimeInterval, now: Date = Date()) throws -> CandidateRecord? {
        let t = now.timeIntervalSince1970
        return try immediate { db in
            while let row = try Row.fetchOne(db, sql: """
                SELECT candidateId, attempts FROM task WHERE state = 'pending' OR (state = 'leased' AND leaseExpires < ?)
                ORDER BY ordinal LIMIT 1
                """, arguments: [t]) {
                let id: String = row["candidateId"], attempts: Int = row["attempts"]
                guard var record = try CandidateRecord.fetchOne(db, key: id) else {
                    try db.execute(sql: "UPDATE task SET state = 'done' WHERE candidateId = ?", arguments: [id])
                    continue
                }
                if attempts >= Self.maxAttempts {
                    record.status = .failed
                    record.error = "relaxation abandoned: its worker was lost \(attempts) times"
                    try record.update(db)
                    try db.execute(sql: "UPDATE task SET state = 'done' WHERE candidateId = ?", arguments: [id])
                    continue
                }
                try db.execute(sql: "UPDATE task SET state = 'leased', owner = ?, leaseExpires = ?, attempts = attempts + 1 WHERE candidateId = ?",
                               arguments: [owner, t + lease, id])
                return record
            }
            return nil
        }
    }

    /// Extends `owner`'s lease; false when it no longer holds the task.
    @discardableResult
    public func renew(_ id: String, owner: String, lease: TimeInterval, now: Date = Date()) throws -> Bool {
        try immediate { db in
            try db.execute(sql: "UPDATE task SET leaseExpires = ? WHERE candidateId = ? AND state = 'leased' AND owner = ?",
                           arguments: [now.timeIntervalSince1970 + lease, id, owner])
            return db.changesCount == 1
        }
    }

    /// Stores a relaxation's result if `owner` still holds its task (then done); false, and nothing
    /// written, when the lease went to another worker or the task is done.
    public func complete(_ record: CandidateRecord, owner: String) throws -> Bool {
        try immediate { db in
            try db.execute(sql: "UPDATE task SET state = 'done' WHERE candidateId = ? AND state = 'leased' AND owner = ?",
                           arguments: [record.id, owner])
            guard db.changesCount == 1 else { return false }
            try record.update(db)
            return true
        }
    }

    public func queueCounts() throws -> QueueCounts {
        try db.read { db in
            var c = QueueCounts()
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM task GROUP BY state") {
                let n: Int = row["n"]
                switch row["state"] as String {
                case "pending": c.pending = n
                case "leased": c.leased = n
                default: c.done = n
                }
            }
            return c
        }
    }

    /// A write transaction that takes the write lock at once (a read-then-write transaction of two
    /// processes could otherwise deadlock).
    func immediate<T>(_ body: (Database) throws -> T) throws -> T {
        try db.writeWithoutTransaction { db in
            var out: T?
            try db.inTransaction(.immediate) {
                out = try body(db)
                return .commit
            }
            return out!
        }
    }
}

/// What a worker needs to relax a campaign's candidates as the campaign itself would: stored in the
/// knowledge store by the campaign (`relax_settings`).
public struct RelaxSettings: Codable, Sendable, Equatable {
    public var model: String
    public var fmax: Double
    public var steps: Int
}

extension CampaignRunner {
    /// Queues the pending relaxations and waits until workers have done them all.
    func relaxThroughQueue(_ pending: [CandidateRecord], _ store: KnowledgeStore, watch: () throws -> Void,
                           saveElapsed: () throws -> Void) throws {
        guard PotentialModel(rawValue: potential.name) != nil else {
            throw CampaignSpecError(key: "relax.model", reason: "workers load the potential by name; '\(potential.name)' is not a registered model")
        }
        let settings = RelaxSettings(model: potential.name, fmax: spec.fmax, steps: spec.relaxSteps)
        try store.setMeta("relax_settings", String(decoding: try JSONEncoder().encode(settings), as: UTF8.self))
        try store.enqueue(pending)
        log("queued \(pending.count) relaxations for workers (`kiln worker --store \(storePath)`)")
        let started = Date()
        var lastNote = Date()
        while true {
            let c = try store.queueCounts()
            progress?(pending.count - min(c.open, pending.count), pending.count, Date().timeIntervalSince(started))
            if c.open == 0 { break }
            try watch()
            if Date().timeIntervalSince(lastNote) > 60 {
                log("waiting for workers: \(c.pending) queued, \(c.leased) being relaxed")
                lastNote = Date()
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        try saveElapsed()
    }
}
