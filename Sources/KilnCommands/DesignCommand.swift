import ArgumentParser
import Campaign
import KilnCluster
import Evaluation
import Foundation
import Potentials

/// `kiln design CAMPAIGN.toml`: the main job — generate, relax, judge and rank candidates.
struct DesignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "design",
        abstract: "Run a design campaign: generate candidates, relax them with a universal potential, rank them on the MP hull.",
        discussion: """
            Re-running the same command resumes an interrupted campaign from its knowledge store \
            (OUT/campaign.sqlite, or the --store database): finished candidates are not redone. The potential is the campaign's \
            `[relax] model` (default \(PotentialModel.default.rawValue)), with its `[relax] committee`. The campaign file \
            format is in docs/campaign.md.
            """)

    @OptionGroup var options: CampaignRunArguments

    @Flag(help: "Require an existing knowledge store in the output folder (fail instead of starting anew).")
    var resume = false

    @Option(help: "Who relaxes: local (this process), queue (`kiln worker` processes, from the knowledge store's task queue) or slurm (Slurm job arrays of `kiln worker`, submitted with sbatch; --workers workers each).")
    var executor: ExecutorKind = .local

    @Option(help: "With --executor queue: start this many local `kiln worker` processes (0: wait for workers started elsewhere).")
    var spawn = 0

    @Option(help: "With --executor slurm: the partition (sbatch --partition).")
    var partition: String?

    @Option(help: "With --executor slurm: each worker's time limit (sbatch --time, e.g. 2:00:00).")
    var timeLimit: String?

    @Option(help: "With --executor queue or slurm: seconds a worker's claim on a relaxation lasts without renewal (`kiln worker --lease`).")
    var lease: Double = 60

    enum ExecutorKind: String, ExpressibleByArgument, CaseIterable { case local, queue, slurm }

    func validate() throws {
        guard (0...64).contains(spawn) else { throw ValidationError("--spawn: expected 0…64 workers, got \(spawn)") }
        if spawn > 0 && executor != .queue { throw ValidationError("--spawn needs --executor queue") }
        if (partition != nil || timeLimit != nil) && executor != .slurm { throw ValidationError("--partition and --time-limit need --executor slurm") }
        guard lease >= 1, lease <= 86_400 else { throw ValidationError("--lease: expected 1…86400 seconds, got \(lease)") }
    }

    func run() throws {
        var runner = try options.runner()
        if resume && !KnowledgeStore.exists(runner.storePath) {
            throw CommandError("--resume: no knowledge store at \(runner.storePath)")
        }
        var spawned: [Process] = []
        var slurm: SlurmWorkers?
        defer {
            for p in spawned where p.isRunning { p.terminate() }
            slurm?.cancel()
        }
        switch executor {
        case .local: break
        case .queue:
            let (store, lease) = (runner.storePath, lease)
            let workers = try (0..<spawn).map { _ in try Self.startWorker(store: store, lease: lease) }
            spawned = workers
            runner.executor = .queue { _ in
                guard !workers.isEmpty, workers.allSatisfy({ !$0.isRunning }) else { return }
                throw CommandError("every spawned worker has stopped (exit status \(workers.map { String($0.terminationStatus) }.joined(separator: ", "))) with relaxations left")
            }
        case .slurm:
            if KnowledgeStore.scheme(of: runner.storePath) == nil {
                printError("kiln: warning: the knowledge store is an SQLite file (\(runner.storePath)); Slurm workers on other nodes need it on a shared file system with working locks — a PostgreSQL store (--store postgres://…) is the safe choice")
            }
            var settings = SlurmWorkers.Settings()
            (settings.workers, settings.partition, settings.timeLimit, settings.lease) = (options.workers, partition, timeLimit, lease)
            let workers = SlurmWorkers(settings: settings, store: runner.storePath, kiln: Self.executable,
                                       logDirectory: runner.outputDirectory.appendingPathComponent("slurm"), jobName: "kiln-\(runner.spec.name)")
            workers.log = { printError("kiln: \($0)") }
            slurm = workers
            runner.executor = .queue { try workers.watch($0) }
        }
        try options.finish(runner)
    }

    /// This executable (workers run the same `kiln`).
    static var executable: URL { Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]) }

    /// A local `kiln worker` process (this executable) on the campaign's store.
    static func startWorker(store: String, lease: Double) throws -> Process {
        let p = Process()
        p.executableURL = executable
        p.arguments = ["worker", "--lease", String(lease), "--idle-exit", "3600"]
        p.environment = ProcessInfo.processInfo.environment.merging(["KILN_STORE": store]) { $1 }
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// A runner with `potential` and `committee`, logging to stderr and a progress bar.
    static func runner(_ spec: CampaignSpec, _ out: URL, workers: Int, potential: LoadedPotential,
                       committee: [LoadedPotential]) -> CampaignRunner {
        var runner = CampaignRunner(spec: spec, outputDirectory: out, potential: potential, committee: committee)
        runner.workers = workers
        runner.log = { printError("kiln: \($0)") }
        let bar = ProgressBar()
        runner.progress = { done, total, elapsed in
            bar.update(done: done, total: total, elapsed: elapsed, detail: "relaxed")
            if done == total { bar.finish() }
        }
        return runner
    }

    static func print(_ s: CampaignSummary, json: Bool) throws {
        if json {
            Swift.print(try jsonText(encoding: s))
            return
        }
        Swift.print("campaign \(s.name): \(String(format: "%.0f", s.wallSeconds)) s")
        for st in s.funnel { Swift.print(String(format: "  %-44@ %5d", st.stage, st.count)) }
        if let c = s.committee {
            Swift.print("  committee \(c.models.joined(separator: ", ")): SUN \(c.sunSingleModel) by the first alone, \(c.sunAgreed) with all agreeing; "
                        + "\(c.modelDependent) verdicts depend on the model" + (c.requireAgreement ? " (require_agreement)" : ""))
        }
        for m in s.stabilityMargins {
            Swift.print(String(format: "  stability margin %@: %.3f eV/atom (median offset of %d MP hull compounds)", m.system, m.margin, m.count))
        }
        if !s.top.isEmpty {
            Swift.print("  top candidates:")
            for t in s.top {
                let novelty = t.novelty.flatMap(NoveltyLevel.init(rawValue:))?.label ?? "novelty not checked"
                let targets = t.targetProbability.map { String(format: "  P(targets) %.2f", $0) } ?? ""
                let spread = t.energyAboveHullSpread.map { String(format: " (spread %.3f)", $0) } ?? ""
                Swift.print(String(format: "    %2d  %-14@ E_hull %.3f%@ eV/atom  %@  %@%@", t.rank, t.formula, t.energyAboveHull, spread,
                                   novelty, t.spaceGroup ?? "", targets))
            }
        }
        Swift.print("report: \(s.report)")
        Swift.print("ranked CSV: \(s.csv)")
    }
}

/// The campaign file, output folder and run settings of `kiln design` and `kiln ingest`.
struct CampaignRunArguments: ParsableArguments {
    @Argument(help: "Campaign file (TOML).")
    var campaign: String

    @Option(help: "Output folder (default: the campaign's `output` key).")
    var out: String?

    @Option(help: "Structures relaxed at once (at most one per core runs at a time); with --executor slurm, the workers of each job array.")
    var workers = 2

    @Option(help: "The knowledge store (default OUT/campaign.sqlite): another SQLite file, or a PostgreSQL database, postgres://user[:password]@host[:port]/database (password also from PGPASSWORD).")
    var store: String?

    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    func validate() throws {
        try RelaxationOptions.validate(workers: workers)
    }

    /// The campaign's runner: its spec, output folder, potential and committee, logging to stderr.
    func runner() throws -> CampaignRunner {
        try CommandError.requireExisting(campaign)
        let spec = try CommandError.naming(campaign) { try CampaignSpec(contentsOf: URL(fileURLWithPath: campaign)) }
        var runner = DesignCommand.runner(spec, URL(fileURLWithPath: out ?? spec.output), workers: workers,
                                          potential: try ModelOptions.load(spec.model), committee: try spec.committee.map(ModelOptions.load))
        runner.storeLocation = store
        runner.campaignFile = (try? String(contentsOfFile: campaign, encoding: .utf8)).map { CampaignFile(path: campaign, text: $0) }
        return runner
    }

    /// Runs (or resumes) the campaign and prints its summary.
    func finish(_ runner: CampaignRunner) throws {
        let summary: CampaignSummary
        do { summary = try runner.run() } catch { throw CommandError(describe(error)) }
        try DesignCommand.print(summary, json: json)
    }
}
