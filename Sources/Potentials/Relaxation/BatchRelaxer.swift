import Crystal
import Foundation
import KilnSupport

/// One structure of a batch: a unique id (used for output file names), where it came from,
/// a fingerprint of its input (see `ContentHash`), and how to load it (loading errors are
/// recorded, not fatal).
public struct BatchItem: Sendable {
    public var id: String
    public var source: String
    /// Fingerprint of the input's bytes; a resumed batch relaxes the item again when it differs
    /// from the journal's. Nil: the input is taken as unchanged.
    public var inputHash: String?
    public var load: @Sendable () throws -> Structure

    public init(id: String, source: String, inputHash: String? = nil, load: @escaping @Sendable () throws -> Structure) {
        self.id = id
        self.source = source
        self.inputHash = inputHash
        self.load = load
    }
}

/// Progress of a batch, reported after every finished structure.
public struct BatchProgress: Sendable {
    /// Structures finished, counting those finished by earlier runs.
    public var done: Int
    public var total: Int
    /// Structures finished by earlier, interrupted runs (skipped now).
    public var resumed: Int
    public var elapsed: Double
    /// Estimated seconds left, from this run's pace; nil before the first result.
    public var eta: Double?
    public var last: BatchRecord
}

/// Relaxes many structures unattended and resumably. Each finished structure is made durable
/// before it counts: its relaxed structure file is written to a temporary file and renamed,
/// then its record is appended to `journal.jsonl` and fsynced. A rerun with the same output
/// directory skips every id in the journal, so a run killed at any moment (Ctrl-C, kill -9)
/// resumes without redoing, losing or duplicating a result; an id whose input fingerprint
/// (`BatchItem.inputHash`) differs from the journal's is relaxed again and its new record wins. `summary.csv` and `summary.json`
/// (one row per input, in input order) are rewritten atomically from the journal. The settings
/// are kept in `settings.json`; resuming with different ones is refused, and a lock file keeps
/// two runs out of one directory.
public struct BatchRelaxer: Sendable {
    public var relaxer: Relaxer
    public var outputDirectory: URL
    /// Structures relaxed at the same time (at most one per core: see `WorkQueue`).
    public var workers = 2
    /// Extension and text of the relaxed-structure file (e.g. "cif" and a CIF writer).
    public var structureFile: (fileExtension: String, text: @Sendable (Structure) throws -> String)
    /// Space group label of a structure (e.g. "Fm-3m (225)"), or nil when not wanted.
    public var spaceGroup: (@Sendable (Structure) -> String?)? = nil
    /// Energy above hull (eV/atom) of a structure with a total energy (eV), or nil.
    public var energyAboveHull: (@Sendable (Structure, Double) -> Double?)? = nil
    /// The potential's name and version, written into each record (nil: not recorded).
    public var model: String? = nil
    /// E_hull (eV/atom, nil when it cannot be placed) of a final structure by each committee model,
    /// by name; nil: no committee.
    public var committee: (@Sendable (Structure) -> [String: Double?])? = nil
    /// Write an extended XYZ trajectory per structure.
    public var trajectories = false
    /// Called before relaxing with the ids whose input changed since their journal record.
    public var changedInputs: (@Sendable ([String]) -> Void)? = nil

    public init(relaxer: Relaxer, outputDirectory: URL,
                structureFile: (fileExtension: String, text: @Sendable (Structure) throws -> String)) {
        self.relaxer = relaxer
        self.outputDirectory = outputDirectory
        self.structureFile = structureFile
    }

    public var journalURL: URL { outputDirectory.appendingPathComponent("journal.jsonl") }

    /// Relaxes every item not yet in the journal and returns one record per item, in order.
    public func run(_ items: [BatchItem], progress: (@Sendable (BatchProgress) -> Void)? = nil) throws -> [BatchRecord] {
        var seen = Set<String>()
        for item in items where !seen.insert(Self.fileName(item.id)).inserted { throw BatchError.duplicateID(item.id) }
        do {
            try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw BatchError.output("cannot create \(outputDirectory.path): \(ErrorText.describe(error))")
        }
        let lock: DirectoryLock
        do { lock = try DirectoryLock(folder: outputDirectory) } catch {
            switch error {
            case .busy(let folder): throw BatchError.busy(folder)
            case .cannotCreate: throw BatchError.output("\(error)")
            }
        }
        defer { lock.release() }
        removeStaleTemporaries()
        try checkSettings()
        let journal = try BatchJournal(url: journalURL)
        let changed = items.filter { item in
            guard let old = journal.records[item.id]?.inputHash, let new = item.inputHash else { return false }
            return old != new
        }
        if !changed.isEmpty { changedInputs?(changed.map(\.id)) }
        let changedIDs = Set(changed.map(\.id))
        let todo = items.filter { journal.records[$0.id] == nil || changedIDs.contains($0.id) }
        let resumed = items.count - todo.count
        let start = Date()
        _ = try WorkQueue.map(todo.count, workers: workers, progress: { finished, record in
            guard let progress else { return }
            let elapsed = Date().timeIntervalSince(start)
            let eta = elapsed / Double(finished) * Double(todo.count - finished)
            progress(BatchProgress(done: resumed + finished, total: items.count, resumed: resumed,
                                   elapsed: elapsed, eta: eta, last: record))
        }) { index in
            let record = relaxOne(todo[index])
            try journal.append(record)
            return record
        }
        let records = items.compactMap { journal.records[$0.id] }
        try writeSummaries(records)
        return records
    }

    /// Relaxes one item and writes its files; every problem becomes part of the record.
    private func relaxOne(_ item: BatchItem) -> BatchRecord {
        let t0 = Date()
        var record = BatchRecord(id: item.id, source: item.source, outcome: "error", seconds: 0)
        record.inputHash = item.inputHash
        record.model = model
        do {
            let structure = try item.load()
            record.formula = structure.composition.formula
            record.nSites = structure.count
            record.initialSpaceGroup = spaceGroup?(structure)
            let base = Self.fileName(item.id)
            let writer = trajectories ? try TrajectoryWriter(url: outputDirectory.appendingPathComponent("\(base).extxyz")) : nil
            let result = try relaxer.relax(structure) { try? writer?.append($0) }
            let final = result.final.structure
            record.outcome = result.outcome.label
            if case .failed(let why) = result.outcome { record.reason = why }
            record.steps = result.steps
            record.calculatorCalls = result.calculatorCalls
            record.initialEnergyPerAtom = result.initialEnergyPerAtom
            record.finalEnergyPerAtom = result.finalEnergyPerAtom
            record.finalFmax = result.final.fmax
            record.finalVolume = final.volume
            record.finalSpaceGroup = spaceGroup?(final)
            record.energyAboveHull = energyAboveHull?(final, result.final.result.energy)
            if let judged = committee?(final) {
                record.committee = judged.compactMapValues { $0 }
                let values = Array(record.committee!.values) + (record.energyAboveHull.map { [$0] } ?? [])
                record.energyAboveHullSpread = values.count > 1 ? values.max()! - values.min()! : nil
            }
            let name = "\(base).\(structureFile.fileExtension)"
            try writeDurably(Data(try structureFile.text(final).utf8), to: outputDirectory.appendingPathComponent(name))
            record.output = name
        } catch {
            record.outcome = "error"
            record.reason = ErrorText.describe(error)
        }
        record.seconds = Date().timeIntervalSince(t0)
        return record
    }

    /// The settings that decide a result, as stored in `settings.json`.
    public var settings: [String: String] {
        [
            "calculator": relaxer.calculator.name,
            "minimizer": "\(relaxer.minimizer)",
            "fmax": "\(relaxer.fmax)",
            "max_steps": "\(relaxer.maxSteps)",
            "cell": relaxer.cell.rawValue,
            "pressure_GPa": "\(relaxer.pressure)",
            "exp_cell_factor": relaxer.expCellFactor.map { "\($0)" } ?? "number of atoms",
            "symmetry_tolerance": relaxer.symmetryTolerance.map { "\($0)" } ?? "none",
            "limits": "\(relaxer.limits)",
        ]
    }

    /// Records the settings in a new output directory, or checks that a directory being resumed
    /// was made with the same ones (results made differently must not be mixed).
    private func checkSettings() throws {
        let url = outputDirectory.appendingPathComponent("settings.json")
        if let data = try? Data(contentsOf: url) {
            guard let stored = try? JSONDecoder().decode([String: String].self, from: data) else {
                throw BatchError.output("\(url.path) is unreadable")
            }
            let differing = settings.keys.sorted().filter { stored[$0] != settings[$0] }
            guard differing.isEmpty else {
                let list = differing.map { "\($0) \(stored[$0] ?? "unset") → \(settings[$0]!)" }.joined(separator: ", ")
                throw BatchError.output("\(outputDirectory.path) holds results made with other settings (\(list)); use another output directory")
            }
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writeDurably(try encoder.encode(settings), to: url)
        }
    }

    private func writeSummaries(_ records: [BatchRecord]) throws {
        let csv = CSVWriter(spreadsheetSafe: true).document(header: BatchRecord.csvColumns, rows: records.map(\.csvFields))
        try writeDurably(Data(csv.utf8), to: outputDirectory.appendingPathComponent("summary.csv"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeDurably(try encoder.encode(records), to: outputDirectory.appendingPathComponent("summary.json"))
    }

    private func removeStaleTemporaries() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outputDirectory.path)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            try? FileManager.default.removeItem(at: outputDirectory.appendingPathComponent(name))
        }
    }

    /// A file-system-safe name for an id (letters, digits, '-', '_', '.', '#' kept; others '_').
    public static func fileName(_ id: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.#")
        let s = String(id.map { allowed.contains($0) ? $0 : "_" })
        return s.hasPrefix(".") ? "_" + s.dropFirst() : s
    }
}
