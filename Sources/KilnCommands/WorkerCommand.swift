import ArgumentParser
import Campaign
import Foundation

/// `kiln worker --store PATH`: relaxes a campaign's queued candidates (`kiln design --executor queue`).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Relax a campaign's queued candidates, taken from its knowledge store's task queue.",
        discussion: """
            A campaign run with `kiln design … --executor queue` queues its relaxations in its knowledge \
            store instead of running them; any number of workers take them one at a time, each under a \
            lease renewed while it relaxes. A killed worker loses only the relaxation in flight: its \
            lease expires and another worker takes the candidate; a late result from a worker whose \
            lease went elsewhere is dropped, so nothing is stored twice. The worker relaxes with the \
            campaign's own potential and settings, and stops when it has found nothing to do for \
            --idle-exit seconds. The store may be a PostgreSQL database (postgres://…), for workers on \
            several machines, e.g. Slurm job arrays (`kiln design --executor slurm`).
            """)

    @Option(help: "The campaign's knowledge store: OUT/campaign.sqlite, or its postgres:// URL (default: the KILN_STORE environment variable).")
    var store: String?

    @Option(help: "Seconds a claimed relaxation stays this worker's without renewal (renewed every third of it).")
    var lease: Double = 60

    @Option(help: "Stop after this many seconds with nothing to do.")
    var idleExit: Double = 60

    func validate() throws {
        guard lease >= 1, lease <= 86_400 else { throw ValidationError("--lease: expected 1…86400 seconds, got \(lease)") }
        guard idleExit >= 0, idleExit <= 86_400 else { throw ValidationError("--idle-exit: expected 0…86400 seconds, got \(idleExit)") }
    }

    func run() throws {
        guard let store = store ?? ProcessInfo.processInfo.environment["KILN_STORE"], !store.isEmpty else {
            throw CommandError("no knowledge store: give --store or set KILN_STORE")
        }
        // A worker may start before its campaign has made the store: wait for it as for work.
        let started = Date()
        while !KnowledgeStore.exists(store) && Date().timeIntervalSince(started) < idleExit {
            Thread.sleep(forTimeInterval: 0.5)
        }
        if KnowledgeStore.scheme(of: store) == nil { try CommandError.requireExisting(store) }
        var worker = CampaignWorker(store: try KnowledgeStore(path: store))
        (worker.lease, worker.idleExit) = (lease, idleExit)
        worker.log = { printError("kiln worker: \($0)") }
        let done: Int
        do { done = try worker.run() } catch { throw CommandError(describe(error)) }
        printError("kiln worker: \(done) relaxation(s) stored; idle for \(Int(idleExit)) s, stopping")
    }
}
