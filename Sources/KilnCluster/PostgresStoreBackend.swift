import Campaign
import Foundation
import GRDB
import KilnSupport
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The knowledge store in a PostgreSQL database, for a campaign whose workers run on several
/// machines (`--store postgres://user:password@host:5432/database`). The tables are those of the
/// SQLite store (`KnowledgeStoreSchema.postgres`, migrated under an advisory lock); tasks are claimed
/// with `FOR UPDATE SKIP LOCKED`. A lost connection (the server restarted, the network dropped) is
/// reopened and the interrupted transaction run again, for up to `reconnectWindow` seconds: each
/// store operation is one transaction that is safe to repeat.
public final class PostgresStoreBackend: StoreBackend, @unchecked Sendable {
    public let displayName: String
    public var claimLock: String { " FOR UPDATE SKIP LOCKED" }
    /// How long to keep reconnecting before an operation fails.
    public var reconnectWindow: TimeInterval = 300
    let location: PostgresLocation
    private let lock = NSLock()
    private var connection: PostgresConnection?
    private let logger = Logger(label: "kiln.postgres")

    /// Connects to the database at `url` and brings its tables up to date (unless `readOnly`).
    public init(url: String, readOnly: Bool = false) throws {
        location = try PostgresLocation(url)
        displayName = location.display
        if !readOnly { try migrate() }
    }

    /// Lets `KnowledgeStore(path:)` open `postgres://` and `postgresql://` URLs.
    public static func register() {
        for scheme in ["postgres", "postgresql"] {
            KnowledgeStore.register(scheme: scheme) { try PostgresStoreBackend(url: $0, readOnly: $1) }
        }
    }

    public func read<T>(_ body: (any StoreConnection) throws -> T) throws -> T {
        try perform(transaction: false, body)
    }

    @discardableResult
    public func write<T>(_ body: (any StoreConnection) throws -> T) throws -> T {
        try perform(transaction: true, body)
    }

    /// Runs the migrations not yet recorded in `kiln_migrations`, one transaction each, while holding
    /// an advisory lock (several workers may open a new database at once).
    private func migrate() throws {
        try write { c in
            try c.execute("SELECT pg_advisory_xact_lock(7013245)", [])
            try c.execute(#"CREATE TABLE IF NOT EXISTS "kiln_migrations" ("identifier" text PRIMARY KEY, "appliedAt" text NOT NULL)"#, [])
            let done = Set(try c.rows(#"SELECT "identifier" FROM "kiln_migrations""#, []).map { $0["identifier"] as String })
            for (id, statements) in KnowledgeStoreSchema.postgres where !done.contains(id) {
                for s in statements { try c.execute(s, []) }
                try c.execute(#"INSERT INTO "kiln_migrations" ("identifier", "appliedAt") VALUES (?, ?)"#,
                              [id.databaseValue, ISO8601DateFormatter().string(from: Date()).databaseValue])
            }
        }
    }

    private func perform<T>(transaction: Bool, _ body: (any StoreConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let deadline = Date().addingTimeInterval(reconnectWindow)
        var pause = 0.2
        while true {
            do {
                let c = Connection(connection: try connect(), logger: logger)
                guard transaction else { return try body(c) }
                try c.execute("BEGIN", [])
                do {
                    let out = try body(c)
                    try c.execute("COMMIT", [])
                    return out
                } catch {
                    if !Self.isConnectionLoss(error) { _ = try? c.execute("ROLLBACK", []) }
                    throw error
                }
            } catch where Self.isConnectionLoss(error) && Date() < deadline {
                try? connection?.close().wait()
                connection = nil
                Thread.sleep(forTimeInterval: pause)
                pause = min(pause * 2, 5)
            } catch {
                throw KnowledgeStoreError(description: "\(displayName): \(Self.describe(error))")
            }
        }
    }

    private func connect() throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        do {
            let c = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: try location.configuration(),
                                                   id: 1, logger: logger).wait()
            connection = c
            return c
        } catch {
            throw ConnectionLost(reason: Self.describe(error))
        }
    }

    /// The server went away (restart, network) rather than refusing a statement.
    static func isConnectionLoss(_ error: any Error) -> Bool {
        if error is ConnectionLost { return true }
        guard let e = error as? PSQLError else { return error is ChannelError || error is IOError }
        switch e.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown: return true
        case .server:
            // Class 08: connection exception; 57P01–57P03: the server is shutting down or starting.
            let state = e.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08") || state.hasPrefix("57P")
        default: return false
        }
    }

    /// The server's message (and hint) of a PostgreSQL error, else the error's own description.
    static func describe(_ error: any Error) -> String {
        if let lost = error as? ConnectionLost { return "cannot reach the database: \(lost.reason)" }
        guard let e = error as? PSQLError else { return ErrorText.describe(error) }
        if let message = e.serverInfo?[.message] {
            return message + (e.serverInfo?[.hint].map { " (\($0))" } ?? "")
        }
        return String(reflecting: e)
    }

    struct ConnectionLost: Error {
        let reason: String
    }

    /// Statements on one connection: `?` placeholders become `$n`, GRDB values PostgreSQL binds, and
    /// result cells GRDB values again.
    struct Connection: StoreConnection {
        let connection: PostgresConnection
        let logger: Logger

        @discardableResult
        func execute(_ sql: String, _ arguments: [DatabaseValue]) throws -> Int {
            try run(sql, arguments).metadata.rows ?? 0
        }

        func rows(_ sql: String, _ arguments: [DatabaseValue]) throws -> [Row] {
            try run(sql, arguments).rows.map { row in
                var values: [String: DatabaseValue] = [:]
                for cell in row { values[cell.columnName] = try Self.value(cell) }
                return Row(values)
            }
        }

        private func run(_ sql: String, _ arguments: [DatabaseValue]) throws -> PostgresQueryResult {
            var binds = PostgresBindings(capacity: arguments.count)
            for a in arguments {
                switch a.storage {
                case .null: binds.appendNull()
                case .int64(let v): binds.append(v)
                case .double(let v): binds.append(v)
                case .string(let v): binds.append(v)
                case .blob: throw KnowledgeStoreError(description: "binary values are not stored")
                }
            }
            return try connection.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: binds), logger: logger).wait()
        }

        /// `?` → `$1`, `$2`, … (the store's SQL has no `?` inside literals).
        static func numbered(_ sql: String) -> String {
            var out = "", n = 0
            for ch in sql {
                if ch == "?" {
                    n += 1
                    out += "$\(n)"
                } else {
                    out.append(ch)
                }
            }
            return out
        }

        static func value(_ cell: PostgresCell) throws -> DatabaseValue {
            guard cell.bytes != nil else { return .null }
            switch cell.dataType {
            case .int8: return try cell.decode(Int64.self).databaseValue
            case .int4: return Int64(try cell.decode(Int32.self)).databaseValue
            case .int2: return Int64(try cell.decode(Int16.self)).databaseValue
            case .float8: return try cell.decode(Double.self).databaseValue
            case .float4: return Double(try cell.decode(Float.self)).databaseValue
            case .bool: return (try cell.decode(Bool.self)).databaseValue
            default: return try cell.decode(String.self).databaseValue
            }
        }
    }
}

/// A `postgres://[user[:password]@]host[:port]/database[?sslmode=disable|require]` URL; the
/// password may come from `PGPASSWORD` instead, and the user from `PGUSER` (else `USER`).
struct PostgresLocation {
    var host: String, port: Int, user: String, password: String?, database: String, requireTLS: Bool
    /// The URL without its password, for messages and logs.
    var display: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    init(_ text: String) throws {
        func bad(_ why: String) -> KnowledgeStoreError {
            KnowledgeStoreError(description: "store URL: \(why) (expected postgres://user[:password]@host[:port]/database)")
        }
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme?.lowercased() ?? "") else {
            throw bad("not a postgres:// URL")
        }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw bad("no database name") }
        guard let host = url.host, !host.isEmpty else { throw bad("no host") }
        var tls = false
        for item in url.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", "disable"?): tls = false
            case ("sslmode", "require"?): tls = true
            default: throw bad("unknown parameter \(item.name)=\(item.value ?? "") (only sslmode=disable|require)")
            }
        }
        let env = ProcessInfo.processInfo.environment
        guard let user = url.user ?? env["PGUSER"] ?? env["USER"] else { throw bad("no user") }
        (self.host, self.port, self.user, self.database, requireTLS) = (host, url.port ?? 5432, user, database, tls)
        password = url.password.map { $0.removingPercentEncoding ?? $0 } ?? env["PGPASSWORD"]
    }

    func configuration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = requireTLS
            ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
        return .init(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}
