import Campaign
import Foundation
import GRDB
import KilnCluster
import KilnTestSupport
import XCTest

/// A campaign run through a real Slurm (job arrays of `kiln worker`) and a real PostgreSQL store
/// (scripts/cluster_services starts both; CI always has them): the Slurm job of a worker that holds
/// a task cancelled (`scancel --signal=KILL`), and the database server restarted while relaxations
/// are still queued. The
/// campaign finishes with exactly the candidates, statuses, energies and ranking of the same
/// campaign run in one process on SQLite: nothing lost, nothing stored twice.
final class SlurmCampaignTests: XCTestCase {
    /// Na–Cl up to 8 atoms, 20 candidates: enough relaxations (some seconds each on 2 cores) to
    /// kill a worker and restart the database while work is still queued.
    static let campaign = """
        name = "slurm-na-cl"
        [target]
        chemical_systems = ["Na-Cl"]
        max_atoms = 8
        [relax]
        steps = 300
        [[generators]]
        kind = "substitution"
        budget = 12
        seed = 3
        [[generators]]
        kind = "random_symmetric"
        budget = 8
        seed = 4
        time_limit = 20
        """

    func testCampaignSurvivesAKilledWorkerAndADatabaseRestart() throws {
        let env = ProcessInfo.processInfo.environment
        guard env["KILN_TEST_SLURM"] == "1", let restart = env["KILN_TEST_POSTGRES_RESTART"], let db = try TestPostgres.freshDatabase() else {
            if env["CI"] != nil { return XCTFail("CI runs the Slurm test: start the services with scripts/cluster_services") }
            throw XCTSkip("no Slurm and PostgreSQL (scripts/cluster_services)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-slurm-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let toml = dir.appendingPathComponent("c.toml")
        try Self.campaign.write(to: toml, atomically: true, encoding: .utf8)

        var t = Date()
        let reference = try TestCampaigns.launch(["design", toml.path, "--out", dir.appendingPathComponent("single").path])
        reference.waitUntilExit()
        XCTAssertEqual(reference.terminationStatus, 0)
        let singleSeconds = Date().timeIntervalSince(t)

        t = Date()
        let coordinator = try TestCampaigns.launch(["design", toml.path, "--out", dir.appendingPathComponent("cluster").path, "--store", db,
                                                    "--executor", "slurm", "--workers", "2", "--lease", "4"])
        defer { if coordinator.isRunning { coordinator.terminate() } }
        let pg = try PostgresStoreBackend(url: db, readOnly: true)
        let store = KnowledgeStore(backend: pg)
        // 1. Cancel, with scancel and SIGKILL, the Slurm array task of a worker that holds a task, once
        //    results are coming in (a worker's lease owner names its Slurm job). The signal takes a
        //    moment to arrive, so the task that dies with the worker is the one still leased to its job
        //    when the job is gone (if the worker was between tasks, another job is tried).
        var victims: [String] = []
        while victims.isEmpty && coordinator.isRunning && Date().timeIntervalSince(t) < 600 {
            if let c = try? store.queueCounts(), c.done >= 1,
               let row = try pg.read({ try $0.rows(#"SELECT "owner" FROM "task" WHERE "state" = 'leased' LIMIT 1"#, []) }).first,
               let job = (row["owner"] as String).components(separatedBy: " slurm-job ").dropFirst().first {
                XCTAssertEqual(Self.shell("scancel --signal=KILL --full \(job)"), 0)
                let cancelled = Date()
                while Date().timeIntervalSince(cancelled) < 30,
                      let queued = try? SlurmWorkers.run("squeue", ["--noheader", "--jobs", job]), !queued.isEmpty {
                    Thread.sleep(forTimeInterval: 0.05)
                }
                victims = try pg.read {
                    try $0.rows(#"SELECT "candidateId" FROM "task" WHERE "state" = 'leased' AND "owner" LIKE ?"#, ["% slurm-job \(job)".databaseValue])
                }.map { $0["candidateId"] }
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertFalse(victims.isEmpty, "no worker died holding a task")
        // 2. Restart the database server while relaxations are still open.
        let before = try store.queueCounts()
        XCTAssertGreaterThan(before.open, 1, "the restart must come while relaxations are queued")
        let restartStarted = Date()
        XCTAssertEqual(Self.shell(restart), 0, "restart command: \(restart)")
        let restartSeconds = Date().timeIntervalSince(restartStarted)
        coordinator.waitUntilExit()
        XCTAssertEqual(coordinator.terminationStatus, 0)
        let clusterSeconds = Date().timeIntervalSince(t)

        let a = try KnowledgeStore(path: dir.appendingPathComponent("single/campaign.sqlite").path).all()
        let b = try store.all()
        XCTAssertEqual(b.map(\.id), a.map(\.id), "the same candidates, each once")
        XCTAssertEqual(b.map(\.status), a.map(\.status))
        XCTAssertEqual(b.map(\.rank), a.map(\.rank), "the same ranking")
        XCTAssertEqual(b.map(\.isStable), a.map(\.isStable))
        for (x, y) in zip(a, b) {
            XCTAssertEqual(x.finalEnergyPerAtom ?? 0, y.finalEnergyPerAtom ?? 0, accuracy: 1e-9, x.id)
            XCTAssertEqual(x.energyAboveHull ?? 0, y.energyAboveHull ?? 0, accuracy: 1e-9, x.id)
        }
        XCTAssertEqual(try store.queueCounts().open, 0)
        let attempts = try pg.read { try $0.rows(#"SELECT "candidateId", "attempts" FROM "task""#, []) }
            .reduce(into: [String: Int]()) { $0[$1["candidateId"]] = $1["attempts"] }
        for v in victims { XCTAssertEqual(attempts[v], 2, "the cancelled worker's task \(v) was taken over once") }
        XCTAssertTrue(attempts.values.allSatisfy { (1...2).contains($0) }, "\(attempts)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("cluster/slurm").path)
        XCTAssertGreaterThanOrEqual(logs.count, 2, "the workers ran as Slurm array tasks: \(logs)")
        print(String(format: "cluster fault test: %d candidates (%d relaxations); single process on SQLite %.1f s; Slurm + PostgreSQL %.1f s "
                     + "with a worker's job cancelled (its task re-run after the %d s lease) and the database restarted (%.1f s) with %d relaxations open; "
                     + "%d tasks claimed twice; %d worker logs",
                     b.count, attempts.count, singleSeconds, clusterSeconds, 4, restartSeconds, before.open,
                     attempts.values.filter { $0 == 2 }.count, logs.count))
    }

    /// Runs `command` with /bin/sh and waits for it. Not Foundation's Process: the server the
    /// command starts inherits the descriptor Process watches for the child's end, so
    /// `waitUntilExit` would wait as long as the server runs.
    static func shell(_ command: String) -> Int32 {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = (["/bin/sh", "-c", command] as [String]).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }
}
