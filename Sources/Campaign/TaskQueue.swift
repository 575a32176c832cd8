import Foundation
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

        public init(pending: Int = 0, leased: Int = 0, done: Int = 0) {
            (self.pending, self.leased, self.done) = (pending, leased, done)
        }
    }

    /// Queues relaxations of candidates not queued yet.
    public func enqueue(_ records: [CandidateRecord]) throws {
        try backend.write { c in
            for r in records {
                try c.execute(#"INSERT INTO "task" ("candidateId", "ordinal", "state") VALUES (?, ?, 'pending') ON CONFLICT ("candidateId") DO NOTHING"#,
                              r.id, r.ordinal)
            }
        }
    }

    /// Takes the first open task (pending, or leased with an expired lease) for `owner` until
    /// `lease` seconds from now; nil when none is open. SQLite's claimers take turns (the
    /// transaction locks the store); PostgreSQL locks the task's row and other claimers skip it.
    public func claim(owner: String, lease: TimeInterval, now: Date = Date()) throws -> CandidateRecord? {
        let t = now.timeIntervalSince1970
        return try backend.write { c in
            while let row = try c.rows(#"""
                SELECT "candidateId", "attempts" FROM "task" WHERE "state" = 'pending' OR ("state" = 'leased' AND "leaseExpires" < ?)
                ORDER BY "ordinal" LIMIT 1
                """# + backend.claimLock, t).first {
                let id: String = row["candidateId"], attempts: Int = row["attempts"]
                guard var record = try c.fetch(CandidateRecord.self, #"SELECT * FROM "candidate" WHERE "id" = ?"#, id).first else {
                    try c.execute(#"UPDATE "task" SET "state" = 'done' WHERE "candidateId" = ?"#, id)
                    continue
                }
                if attempts >= Self.maxAttempts {
                    record.status = .failed
                    record.error = "relaxation abandoned: its worker was lost \(attempts) times"
                    try c.update(record, key: "id")
                    try c.execute(#"UPDATE "task" SET "state" = 'done' WHERE "candidateId" = ?"#, id)
                    continue
                }
                try c.execute(#"UPDATE "task" SET "state" = 'leased', "owner" = ?, "leaseExpires" = ?, "attempts" = "attempts" + 1 WHERE "candidateId" = ?"#,
                              owner, t + lease, id)
                return record
            }
            return nil
        }
    }

    /// Extends `owner`'s lease; false when it no longer holds the task.
    @discardableResult
    public func renew(_ id: String, owner: String, lease: TimeInterval, now: Date = Date()) throws -> Bool {
        try backend.write {
            try $0.execute(#"UPDATE "task" SET "leaseExpires" = ? WHERE "candidateId" = ? AND "state" = 'leased' AND "owner" = ?"#,
                           now.timeIntervalSince1970 + lease, id, owner) == 1
        }
    }

    /// Stores a relaxation's result if `owner` still holds its task (then done); false, and nothing
    /// written, when the lease went to another worker or the task is done.
    public func complete(_ record: CandidateRecord, owner: String) throws -> Bool {
        try backend.write { c in
            guard try c.execute(#"UPDATE "task" SET "state" = 'done' WHERE "candidateId" = ? AND "state" = 'leased' AND "owner" = ?"#,
                                record.id, owner) == 1 else { return false }
            try c.update(record, key: "id")
            return true
        }
    }

    public func queueCounts() throws -> QueueCounts {
        try backend.read { c in
            var counts = QueueCounts()
            for row in try c.rows(#"SELECT "state", COUNT(*) AS "n" FROM "task" GROUP BY "state""#) {
                let n: Int = row["n"]
                switch row["state"] as String {
                case "pending": counts.pending = n
                case "leased": counts.leased = n
                default: counts.done = n
                }
            }
            return counts
        }
    }

    /// How many times each task was claimed, in generation order.
    public func taskAttempts() throws -> [Int] {
        try backend.read { try $0.rows(#"SELECT "attempts" FROM "task" ORDER BY "ordinal""#).map { $0["attempts"] } }
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
    func relaxThroughQueue(_ pending: [CandidateRecord], _ store: KnowledgeStore, watch: (KnowledgeStore.QueueCounts) throws -> Void,
                           saveElapsed: () throws -> Void) throws {
        guard PotentialModel(rawValue: potential.name) != nil else {
            throw CampaignSpecError(key: "relax.model", reason: "workers load the potential by name; '\(potential.name)' is not a registered model")
        }
        let settings = RelaxSettings(model: potential.name, fmax: spec.fmax, steps: spec.relaxSteps)
        try store.setMeta("relax_settings", String(decoding: try JSONEncoder().encode(settings), as: UTF8.self))
        try store.enqueue(pending)
        log("queued \(pending.count) relaxations for workers (`kiln worker --store \(store.path)`)")
        let started = Date()
        var lastNote = Date()
        while true {
            let c = try store.queueCounts()
            progress?(pending.count - min(c.open, pending.count), pending.count, Date().timeIntervalSince(started))
            if c.open == 0 { break }
            try watch(c)
            if Date().timeIntervalSince(lastNote) > 60 {
                log("waiting for workers: \(c.pending) queued, \(c.leased) being relaxed")
                lastNote = Date()
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        try saveElapsed()
    }
}
