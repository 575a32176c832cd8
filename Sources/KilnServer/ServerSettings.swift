import Foundation

/// How `kiln serve` listens, what it keeps where, and its limits.
public struct ServerSettings: Sendable {
    /// The server's data folder: `campaigns/ID/` (campaign.toml, state.json, events.jsonl and the
    /// campaign's output under `out/`) and `token.sha256`. No request names a path in it.
    public var dataDirectory: URL
    public var host = "127.0.0.1"
    /// 0: any free port (the bound one is reported by `KilnServer.run(onListening:)`).
    public var port = 8080
    /// Largest request body accepted (bytes); larger ones get 413.
    public var maxBodyBytes = 1 << 20
    /// Reads need the bearer token too (writes always do).
    public var protectReads = false
    /// Structures relaxed at once by a running campaign.
    public var workers = 2
    /// Campaigns waiting to run at most; a submission beyond gets 503.
    public var maxQueued = 32

    public init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
    }
}
