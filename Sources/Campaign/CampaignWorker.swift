import Foundation
import KilnSupport
import Potentials

/// `kiln worker`: takes a campaign's relaxations from its knowledge store's task queue, one at a
/// time, each under a lease renewed while it runs, and stores the results — the same relaxation
/// the campaign's own process would do (`CampaignRunner.relaxed`). Killed at any moment, it loses
/// only the relaxation in flight, whose lease then expires and goes to another worker.
public struct CampaignWorker: Sendable {
    public let store: KnowledgeStore
    /// Who holds the leases: host and process id, and the Slurm job when it runs in one
    /// ("node7:4242 slurm-job 1234"), so an operator can tell which job holds a task.
    public var owner = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        + (ProcessInfo.processInfo.environment["SLURM_JOB_ID"].map { " slurm-job \($0)" } ?? "")
    /// Seconds a claimed task stays this worker's without a renewal (renewed every third of it).
    public var lease: TimeInterval = 60
    /// Stop after this many seconds with nothing to claim.
    public var idleExit: TimeInterval = 60
    public var log: @Sendable (String) -> Void = { _ in }

    public init(store: KnowledgeStore) {
        self.store = store
    }

    /// Works until the queue has stayed empty for `idleExit` seconds; returns how many relaxations
    /// it stored.
    public func run() throws -> Int {
        var loaded: (RelaxSettings, LoadedPotential, Relaxer)?
        var idleSince = Date(), stored = 0
        while true {
            guard let task = try store.claim(owner: owner, lease: lease) else {
                if Date().timeIntervalSince(idleSince) > idleExit { return stored }
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            let settings = try Self.settings(store)
            if loaded?.0 != settings {
                guard let model = PotentialModel(rawValue: settings.model) else {
                    throw CampaignSpecError(key: "relax.model", reason: "unknown model '\(settings.model)' in the task queue's settings")
                }
                let potential = try LoadedPotential(model)
                var relaxer = Relaxer(calculator: potential.calculator)
                (relaxer.fmax, relaxer.maxSteps) = (settings.fmax, settings.steps)
                loaded = (settings, potential, relaxer)
            }
            let (_, potential, relaxer) = loaded!
            let heartbeat = Heartbeat(every: lease / 3) { [store, owner, lease] in
                _ = try? store.renew(task.id, owner: owner, lease: lease)
            }
            let result = CampaignRunner.relaxed(task, by: relaxer, potential: potential)
            heartbeat.stop()
            if try store.complete(result, owner: owner) {
                stored += 1
                log("\(task.id): \(result.status.rawValue)")
            } else {
                log("\(task.id): lease lost to another worker; result dropped")
            }
            idleSince = Date()
        }
    }

    static func settings(_ store: KnowledgeStore) throws -> RelaxSettings {
        guard let text = try store.meta("relax_settings") else {
            throw KnowledgeStoreError(description: "\(store.path) has queued tasks but no relax_settings")
        }
        return try JSONDecoder().decode(RelaxSettings.self, from: Data(text.utf8))
    }
}

/// Calls `beat` every `interval` seconds on a thread of its own until stopped.
final class Heartbeat: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false

    init(every interval: TimeInterval, _ beat: @escaping @Sendable () -> Void) {
        Thread.detachNewThread { [self] in
            condition.lock()
            while !stopped {
                if !condition.wait(until: Date().addingTimeInterval(interval)) && !stopped {
                    condition.unlock()
                    beat()
                    condition.lock()
                }
            }
            condition.unlock()
        }
    }

    func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
    }
}
