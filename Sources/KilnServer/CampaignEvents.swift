import Foundation

/// One entry of a campaign's progress stream (server-sent events): a state change, a log line
/// of the pipeline, or relaxation progress.
public struct CampaignEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case state, log, progress }
    /// 1, 2, … per campaign: the SSE `id`, so a client resumes with `Last-Event-ID`.
    public var seq: Int
    public var kind: Kind
    public var time: Date
    public var state: CampaignState?
    public var message: String?
    public var done: Int?
    public var total: Int?

    /// The event in the SSE wire format.
    var serverSentEvent: String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return "id: \(seq)\nevent: \(kind.rawValue)\ndata: \(data)\n\n"
    }
}

/// The events of every campaign: kept in memory, appended to the campaign's events.jsonl, and
/// handed to subscribers (each sees the history after the id it gives, then live events until the
/// campaign finishes or fails).
final class CampaignEventHub: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [String: [CampaignEvent]] = [:]
    private var subscribers: [String: [UUID: AsyncStream<CampaignEvent>.Continuation]] = [:]
    private let folder: @Sendable (String) -> URL

    init(folder: @escaping @Sendable (String) -> URL) {
        self.folder = folder
    }

    /// Loads a campaign's stored history (after a restart).
    func load(_ id: String) {
        let url = folder(id).appendingPathComponent("events.jsonl")
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let lines = (try? String(contentsOf: url, encoding: .utf8))?.split(separator: "\n") ?? []
        let loaded = lines.compactMap { try? decoder.decode(CampaignEvent.self, from: Data($0.utf8)) }
        lock.withLock { events[id] = loaded }
    }

    /// Records an event and passes it on; a terminal state ends every subscription.
    func post(_ id: String, _ kind: CampaignEvent.Kind, state: CampaignState? = nil, message: String? = nil,
              done: Int? = nil, total: Int? = nil) {
        // Ended subscriptions are finished outside the lock: finishing runs their termination handler, which takes it.
        let ended: [AsyncStream<CampaignEvent>.Continuation] = lock.withLock {
            let seq = (events[id]?.last?.seq ?? 0) + 1
            let e = CampaignEvent(seq: seq, kind: kind, time: Date(), state: state, message: message, done: done, total: total)
            events[id, default: []].append(e)
            Self.append(e, to: folder(id).appendingPathComponent("events.jsonl"))
            let live = Array(subscribers[id, default: [:]].values)
            for c in live { c.yield(e) }
            guard let state, state.isTerminal else { return [] }
            subscribers[id] = nil
            return live
        }
        for c in ended { c.finish() }
    }

    /// The events after `after`, then the live ones until the campaign ends.
    func subscribe(_ id: String, after: Int, isTerminal: Bool) -> AsyncStream<CampaignEvent> {
        AsyncStream { continuation in
            lock.withLock {
                for e in events[id, default: []] where e.seq > after { continuation.yield(e) }
                let ended = isTerminal || (events[id]?.last?.state?.isTerminal ?? false)
                if ended {
                    continuation.finish()
                    return
                }
                let key = UUID()
                subscribers[id, default: [:]][key] = continuation
                continuation.onTermination = { [weak self] _ in
                    self?.lock.withLock { self?.subscribers[id]?[key] = nil }
                }
            }
        }
    }

    private static func append(_ e: CampaignEvent, to url: URL) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard var line = try? encoder.encode(e) else { return }
        line.append(0x0A)
        if let h = try? FileHandle(forWritingTo: url) {
            defer { try? h.close() }
            _ = try? h.seekToEnd()
            try? h.write(contentsOf: line)
        } else {
            try? line.write(to: url)
        }
    }
}
