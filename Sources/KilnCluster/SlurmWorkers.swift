import Campaign
import Foundation

/// A campaign's workers as Slurm job arrays: `sbatch --array` of `kiln worker` on the campaign's
/// knowledge store, submitted while relaxations wait and no array of this campaign is queued or
/// running, followed with `squeue`, cancelled with `scancel` at the end. Workers take tasks under
/// leases (`CampaignWorker`), so a cancelled, pre-empted or killed array task loses nothing: its
/// lease expires and another worker, or the next array, relaxes the candidate.
public final class SlurmWorkers: @unchecked Sendable {
    public struct Settings: Sendable {
        /// Array tasks per submission (one worker, one core each).
        public var workers = 2
        public var partition: String?
        /// `--time` of each array task (Slurm's format, e.g. "2:00:00").
        public var timeLimit: String?
        /// Lease and idle time of each worker (`kiln worker --lease --idle-exit`).
        public var lease: Double = 60
        public var idleExit: Double = 60
        /// Submissions in a row that may end without storing a result before the campaign gives up.
        public var fruitlessLimit = 3

        public init() {}
    }

    public let settings: Settings
    let store: String
    let kiln: URL
    let logDirectory: URL
    let jobName: String
    public var log: @Sendable (String) -> Void = { _ in }
    private var jobs: [String] = []
    private var doneAtSubmission = 0
    private var fruitless = 0
    private var lastCheck = Date.distantPast

    /// Workers of the store at `store` (a location every node reaches: a PostgreSQL URL, or an SQLite
    /// file on a shared file system), running `kiln` (a path every node reaches), writing their logs
    /// to `logDirectory`.
    public init(settings: Settings, store: String, kiln: URL, logDirectory: URL, jobName: String) {
        (self.settings, self.store, self.kiln, self.logDirectory, self.jobName) = (settings, store, kiln, logDirectory, jobName)
    }

    /// The `CampaignRunner.Executor.queue` watch: every few seconds, submits an array when none of
    /// this campaign's is queued or running; throws when `fruitlessLimit` arrays in a row ended
    /// without storing anything.
    public func watch(_ counts: KnowledgeStore.QueueCounts) throws {
        guard Date().timeIntervalSince(lastCheck) >= 3 else { return }
        lastCheck = Date()
        if !jobs.isEmpty, try live() > 0 { return }
        if !jobs.isEmpty {
            fruitless = counts.done > doneAtSubmission ? 0 : fruitless + 1
            guard fruitless < settings.fruitlessLimit else {
                throw SlurmError(description: "\(fruitless) Slurm worker arrays in a row ended without storing a result "
                                 + "(\(counts.open) relaxations left); see their logs in \(logDirectory.path)")
            }
        }
        doneAtSubmission = counts.done
        try submit()
    }

    /// Submits one array of `settings.workers` workers; returns its job id.
    @discardableResult
    public func submit() throws -> String {
        try FileManager.default.createDirectory(at: logDirectory, withIntermediateDirectories: true)
        var args = ["--parsable", "--job-name", jobName, "--array", "0-\(settings.workers - 1)", "--ntasks", "1",
                    "--cpus-per-task", "1", "--output", logDirectory.appendingPathComponent("worker-%A_%a.log").path]
        if let p = settings.partition { args += ["--partition", p] }
        if let t = settings.timeLimit { args += ["--time", t] }
        // The store travels in the job's environment (sbatch exports it), not on its command line,
        // where a password would show in squeue and scontrol.
        args += ["--wrap", "exec \(Self.shellQuoted(kiln.path)) worker --lease \(settings.lease) --idle-exit \(settings.idleExit)"]
        let out = try Self.run("sbatch", args, environment: ["KILN_STORE": store])
        guard let id = out.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }),
              !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw SlurmError(description: "sbatch answered '\(out.trimmingCharacters(in: .whitespacesAndNewlines))' instead of a job id")
        }
        jobs.append(id)
        log("submitted Slurm job array \(id): \(settings.workers) workers (logs in \(logDirectory.path))")
        return id
    }

    /// Array tasks of this campaign's jobs still queued or running.
    public func live() throws -> Int {
        guard !jobs.isEmpty else { return 0 }
        let out = try Self.run("squeue", ["--noheader", "--jobs", jobs.joined(separator: ","), "--format", "%i %T"])
        return out.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
    }

    /// Cancels this campaign's arrays (workers still idling when the campaign is done).
    public func cancel() {
        guard !jobs.isEmpty else { return }
        _ = try? Self.run("scancel", jobs)
    }

    /// Runs a Slurm command; its standard output, or an error with its message.
    public static func run(_ command: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [command] + arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let (out, err) = (Pipe(), Pipe())
        (p.standardOutput, p.standardError) = (out, err)
        do { try p.run() } catch {
            throw SlurmError(description: "cannot run \(command): \(error.localizedDescription) (is Slurm installed?)")
        }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let why = message.trimmingCharacters(in: .whitespacesAndNewlines)
            throw SlurmError(description: "\(command) failed (exit \(p.terminationStatus))" + (why.isEmpty ? "" : ": \(why)"))
        }
        return text
    }

    static func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// A Slurm command failed or Slurm's workers made no progress.
public struct SlurmError: Error, CustomStringConvertible {
    public let description: String
}
