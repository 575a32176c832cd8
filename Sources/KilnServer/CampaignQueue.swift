import Campaign
import Diffusion
import Foundation
import KilnSupport
import Potentials

/// Where a submitted campaign is.
public enum CampaignState: String, Codable, Sendable {
    case queued, running, finished, failed
    public var isTerminal: Bool { self == .finished || self == .failed }
}

/// A submitted campaign as the API shows it.
public struct CampaignInfo: Codable, Sendable {
    public var id: String
    public var name: String
    public var state: CampaignState
    public var submitted: Date
    public var started: Date?
    public var finished: Date?
    /// Why it failed.
    public var error: String?
    /// The run's summary once finished, its file paths given as API paths.
    public var summary: CampaignSummary?
}

/// The server's campaigns: each submission checked like a campaign file, stored in its own folder
/// and run in order, one at a time, on a thread of its own (a campaign already spreads its
/// relaxations over the cores). State and events are written as they change, so a restarted server
/// shows every campaign and resumes the one it was running from its knowledge store.
public final class CampaignQueue: @unchecked Sendable {
    public let settings: ServerSettings
    let events: CampaignEventHub
    private let lock = NSCondition()
    private var infos: [String: CampaignInfo] = [:]
    private var pending: [String] = []
    private var potentials: [PotentialModel: LoadedPotential] = [:]
    /// Campaigns that got lab outcomes while they ran: scored again when the run ends.
    private var rescore: Set<String> = []
    private var stopped = false
    private let campaignsFolder: URL

    public init(settings: ServerSettings) throws {
        self.settings = settings
        let folder = settings.dataDirectory.appendingPathComponent("campaigns")
        campaignsFolder = folder
        events = CampaignEventHub { folder.appendingPathComponent($0) }
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ServerError.configuration("cannot create \(folder.path): \(ErrorText.describe(error))")
        }
        let decoder = Self.decoder
        for id in (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.sorted() ?? [] where Self.isID(id) {
            guard let data = try? Data(contentsOf: self.folder(id).appendingPathComponent("state.json")),
                  var info = try? decoder.decode(CampaignInfo.self, from: data) else { continue }
            events.load(id)
            if !info.state.isTerminal {
                info.state = .queued
                pending.append(id)
            }
            infos[id] = info
        }
        Thread.detachNewThread { [self] in work() }
    }

    /// Stops taking campaigns off the queue (the running one finishes; a restart resumes the rest).
    public func stop() {
        lock.withLock {
            stopped = true
            lock.broadcast()
        }
    }

    /// Checks and queues a campaign given as TOML text; errors are the campaign file's.
    public func submit(toml: String) throws -> CampaignInfo {
        let spec = try CampaignSpec(toml: toml)
        for (i, g) in spec.generators.enumerated() where g.kind == .diffusion && !DiffusionModel.bundledNames.contains(g.diffusion.model) {
            throw CampaignSpecError(key: "generators[\(i)].model",
                                    reason: "over HTTP only the shipped models may be named (\(DiffusionModel.bundledNames.joined(separator: ", "))), not a file")
        }
        let info: CampaignInfo = try lock.withLock {
            guard pending.count < settings.maxQueued else { throw QueueFull(limit: settings.maxQueued) }
            let id = String(format: "c%05d", (infos.keys.compactMap { Int($0.dropFirst()) }.max() ?? 0) + 1)
            let info = CampaignInfo(id: id, name: spec.name, state: .queued, submitted: Date())
            try FileManager.default.createDirectory(at: folder(id), withIntermediateDirectories: true)
            try Data(toml.utf8).write(to: folder(id).appendingPathComponent("campaign.toml"), options: .atomic)
            try save(info)
            infos[id] = info
            pending.append(id)
            lock.broadcast()
            return info
        }
        events.post(info.id, .state, state: .queued)
        return info
    }

    /// Records lab outcomes of a campaign's candidates and has the campaign scored again with them
    /// (at once when it has ended; after its run when it is queued or running).
    public func record(_ outcomes: [LabOutcome], campaign id: String) throws -> [LabOutcome] {
        let path = outputFolder(id).appendingPathComponent("campaign.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw OutcomeError(field: "candidate", reason: "campaign \(id) has no candidates yet")
        }
        let stored = try KnowledgeStore(path: path).record(outcomes)
        let requeued: Bool = lock.withLock {
            guard let info = infos[id] else { return false }
            if !info.state.isTerminal {
                rescore.insert(id)
                return false
            }
            requeue(id)
            return true
        }
        if requeued { events.post(id, .state, state: .queued, message: "scoring again with \(outcomes.count) new lab outcome(s)") }
        return stored
    }

    public func list() -> [CampaignInfo] {
        lock.withLock { infos.values.sorted { $0.id < $1.id } }
    }

    public func info(_ id: String) -> CampaignInfo? {
        lock.withLock { infos[id] }
    }

    /// The campaign's output folder (its knowledge store, report, CIFs).
    public func outputFolder(_ id: String) -> URL { folder(id).appendingPathComponent("out") }

    /// Its events after `after`, then live ones until it ends.
    public func subscribe(_ id: String, after: Int) -> AsyncStream<CampaignEvent> {
        let terminal = info(id)?.state.isTerminal ?? true
        return events.subscribe(id, after: after, isTerminal: terminal)
    }

    /// Ids are made here ("c" and five digits); anything else names no campaign.
    static func isID(_ s: String) -> Bool {
        s.count == 6 && s.first == "c" && s.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }

    private func folder(_ id: String) -> URL { campaignsFolder.appendingPathComponent(id) }

    private func save(_ info: CampaignInfo) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(info).write(to: folder(info.id).appendingPathComponent("state.json"), options: .atomic)
    }

    private static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    private func update(_ id: String, _ change: (inout CampaignInfo) -> Void) {
        let info: CampaignInfo? = lock.withLock {
            guard var info = infos[id] else { return nil }
            change(&info)
            infos[id] = info
            try? save(info)
            return info
        }
        if let info { events.post(id, .state, state: info.state, message: info.error) }
    }

    /// Puts an ended campaign back in the queue, to be scored again (called holding the lock).
    private func requeue(_ id: String) {
        pending.append(id)
        infos[id]?.state = .queued
        if let info = infos[id] { try? save(info) }
        lock.broadcast()
    }

    private func work() {
        while true {
            let next: String? = lock.withLock {
                while pending.isEmpty && !stopped { lock.wait() }
                return stopped ? nil : pending.removeFirst()
            }
            guard let id = next else { return }
            run(id)
            let again: Bool = lock.withLock {
                guard rescore.remove(id) != nil else { return false }
                requeue(id)
                return true
            }
            if again { events.post(id, .state, state: .queued, message: "scoring again with the lab outcomes recorded during the run") }
        }
    }

    private func run(_ id: String) {
        update(id) {
            $0.state = .running
            $0.started = Date()
        }
        do {
            let text = try String(contentsOf: folder(id).appendingPathComponent("campaign.toml"), encoding: .utf8)
            let spec = try CampaignSpec(toml: text)
            var runner = CampaignRunner(spec: spec, outputDirectory: outputFolder(id), potential: try potential(spec.model),
                                        committee: try spec.committee.map(potential))
            runner.workers = settings.workers
            runner.campaignFile = CampaignFile(path: "campaign.toml", text: text)
            runner.log = { [events] in events.post(id, .log, message: $0) }
            runner.progress = { [events] done, total, _ in events.post(id, .progress, done: done, total: total) }
            var summary = try runner.run()
            let base = "/api/campaigns/\(id)"
            (summary.outputDirectory, summary.report, summary.csv, summary.store) = (base, base + "/report", base + "/candidates.csv", "")
            update(id) {
                $0.state = .finished
                $0.finished = Date()
                $0.summary = summary
                $0.error = nil
            }
        } catch {
            update(id) {
                $0.state = .failed
                $0.finished = Date()
                $0.error = ErrorText.describe(error)
            }
        }
    }

    /// A potential, loaded once and kept for later campaigns.
    private func potential(_ model: PotentialModel) throws -> LoadedPotential {
        if let p = lock.withLock({ potentials[model] }) { return p }
        let p = try LoadedPotential(model)
        lock.withLock { potentials[model] = p }
        return p
    }
}

/// The queue holds `limit` waiting campaigns already.
struct QueueFull: Error, CustomStringConvertible {
    let limit: Int
    var description: String { "\(limit) campaigns are waiting already; submit again later" }
}
