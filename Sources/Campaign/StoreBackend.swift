import Foundation
import GRDB
import KilnSupport

/// One connection's statements, in the SQL both backends accept: `?` placeholders, double-quoted
/// identifiers, `ON CONFLICT`, `RETURNING`. Values and rows are GRDB's (`DatabaseValue`, `Row`),
/// so records decode the same way from either backend.
public protocol StoreConnection {
    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int
    func rows(_ sql: String, _ arguments: [DatabaseValue]) throws -> [Row]
}

/// Where a knowledge store keeps its tables: an SQLite file (`SQLiteStoreBackend`) or a PostgreSQL
/// database (module KilnCluster). Both hold the same tables and columns, made by their migrations.
public protocol StoreBackend: Sendable {
    /// The location as shown in messages (never a password).
    var displayName: String { get }
    /// Appended to the `SELECT` that picks a task to claim: row locks other claimers skip
    /// (PostgreSQL's `FOR UPDATE SKIP LOCKED`), or nothing where a write transaction locks the whole
    /// store (SQLite).
    var claimLock: String { get }
    /// Statements that see one consistent state.
    func read<T>(_ body: (any StoreConnection) throws -> T) throws -> T
    /// One transaction, all or nothing, holding the write lock from its start.
    @discardableResult
    func write<T>(_ body: (any StoreConnection) throws -> T) throws -> T
}

extension StoreConnection {
    @discardableResult
    func execute(_ sql: String, _ arguments: (any DatabaseValueConvertible)?...) throws -> Int {
        try execute(sql, arguments.map { $0?.databaseValue ?? .null })
    }

    func rows(_ sql: String, _ arguments: (any DatabaseValueConvertible)?...) throws -> [Row] {
        try rows(sql, arguments.map { $0?.databaseValue ?? .null })
    }

    /// Inserts a record's non-null columns (the rest take their defaults); with `ignoringConflictOn`,
    /// a row whose key exists is left as it is. Returns how many rows were inserted.
    @discardableResult
    func insert<R: EncodableRecord & TableRecord>(_ record: R, ignoringConflictOn key: String? = nil) throws -> Int {
        let (sql, values) = try insertion(record)
        return try execute(sql + (key.map { " ON CONFLICT (\(quoted($0))) DO NOTHING" } ?? ""), values)
    }

    /// Inserts a record's non-null columns and returns `column` of the new row (e.g. its new id).
    func insert<R: EncodableRecord & TableRecord>(_ record: R, returning column: String) throws -> DatabaseValue {
        let (sql, values) = try insertion(record)
        return try rows(sql + " RETURNING \(quoted(column))", values).first?[column] ?? .null
    }

    private func insertion<R: EncodableRecord & TableRecord>(_ record: R) throws -> (String, [DatabaseValue]) {
        let columns = try record.databaseDictionary.filter { !$0.value.isNull }.sorted { $0.key < $1.key }
        return ("INSERT INTO \(quoted(R.databaseTableName)) (\(columns.map { quoted($0.key) }.joined(separator: ", "))) VALUES ("
                + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")", columns.map(\.value))
    }

    /// Writes every column of the record with `key` (its primary key); an error when no row has it.
    func update<R: EncodableRecord & TableRecord>(_ record: R, key: String) throws {
        let columns = try record.databaseDictionary
        guard let id = columns[key] else { throw KnowledgeStoreError(description: "\(R.databaseTableName): no \(key) to update by") }
        let set = columns.keys.sorted().filter { $0 != key }
        let changed = try execute("UPDATE \(quoted(R.databaseTableName)) SET \(set.map { "\(quoted($0)) = ?" }.joined(separator: ", ")) WHERE \(quoted(key)) = ?",
                                  set.map { columns[$0]! } + [id])
        guard changed == 1 else { throw KnowledgeStoreError(description: "\(R.databaseTableName) \(id): not in the store") }
    }

    /// Records decoded from the rows of `sql`.
    func fetch<R: FetchableRecord>(_ type: R.Type, _ sql: String, _ arguments: (any DatabaseValueConvertible)?...) throws -> [R] {
        try rows(sql, arguments.map { $0?.databaseValue ?? .null }).map(R.init(row:))
    }
}

/// An SQL identifier in double quotes (column names keep their case in PostgreSQL).
func quoted(_ identifier: String) -> String { "\"\(identifier)\"" }

/// The SQLite backend: one file in WAL mode, migrated by GRDB (`KnowledgeStoreSchema.sqlite`).
public final class SQLiteStoreBackend: StoreBackend {
    public let path: String
    let queue: DatabaseQueue
    public var displayName: String { path }
    public var claimLock: String { "" }

    /// Opens (creating and migrating when needed) the store file; `readOnly` opens an existing store
    /// for inspection while another process may be writing it.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var config = Configuration()
        config.readonly = readOnly
        // A server records lab outcomes while a campaign writes its candidates: wait for the other writer.
        config.busyMode = .timeout(30)
        if !readOnly {
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL") }
        }
        do { queue = try DatabaseQueue(path: path, configuration: config) } catch {
            throw KnowledgeStoreError(description: "cannot open the knowledge store \(path): \(error)")
        }
        if readOnly { return }
        // Several processes may open a new store at once (a campaign and its workers): one migrates,
        // the others wait for it (an exclusive lock on a file beside the store) and find it done.
        let lock = open(path + "-migration.lock", O_CREAT | O_RDWR, 0o644)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { flock(lock, LOCK_UN); close(lock) } }
        try KnowledgeStoreSchema.sqlite.migrate(queue)
    }

    public func read<T>(_ body: (any StoreConnection) throws -> T) throws -> T {
        try queue.read { try body(Connection(db: $0)) }
    }

    /// An IMMEDIATE transaction: it takes the write lock at once (two processes' read-then-write
    /// transactions could otherwise deadlock).
    @discardableResult
    public func write<T>(_ body: (any StoreConnection) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            var out: T?
            try db.inTransaction(.immediate) {
                out = try body(Connection(db: db))
                return .commit
            }
            return out!
        }
    }

    struct Connection: StoreConnection {
        let db: Database
        func execute(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int {
            try db.execute(sql: sql, arguments: StatementArguments(arguments))
            return db.changesCount
        }
        func rows(_ sql: String, _ arguments: [DatabaseValue]) throws -> [Row] {
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        }
    }
}
