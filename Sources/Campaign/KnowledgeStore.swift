import Crystal
import CrystalIO
import Evaluation
import Foundation
import GRDB
import KilnSupport
import Properties

/// Where a candidate is in the pipeline.
public enum CandidateStatus: String, Codable, Sendable, CaseIterable {
    /// Generated, waiting for checks and relaxation.
    case generated
    /// Rejected by the validity checks (reason in `error`).
    case invalid
    /// A structural duplicate of an earlier candidate before relaxation (matched id in `duplicateOf`).
    case duplicate
    /// Relaxed; energies recorded.
    case relaxed
    /// The relaxation failed (NaN, collapse, …; reason in `error`).
    case failed
    /// Not relaxed: before relaxation a "constraint" target was predicted too unlikely to be met
    /// (reason in `error`).
    case screenedOut = "screened_out"
    /// Not relaxed: the acquisition function chose other proposals of its round (`[loop] acquisition`).
    case notSelected = "not_selected"
}

/// One candidate crystal with its full provenance and evidence.
public struct CandidateRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "candidate"

    /// Stable id: generator kind, the generator's position in the campaign file and the candidate's index, e.g. "substitution-0-0007".
    public var id: String
    /// Order of generation, for deterministic processing.
    public var ordinal: Int
    public var generator: String
    /// Prototype the candidate came from (material or AFLOW id), if any.
    public var parent: String?
    public var seed: Int64
    /// Substitution applied, e.g. "Co→Mn, Na→Li".
    public var substitution: String?
    public var formula: String
    public var nSites: Int
    public var nElements: Int
    public var status: CandidateStatus
    /// Structures as JSON ({lattice, species, frac_coords}).
    public var initialStructure: String
    public var relaxedStructure: String?
    /// The candidate this one duplicates: the earlier match before relaxation (status `duplicate`),
    /// or the representative of its group of matching relaxed candidates (`isUnique` false).
    public var duplicateOf: String?
    public var initialEnergyPerAtom: Double?
    public var finalEnergyPerAtom: Double?
    public var correctedEnergyPerAtom: Double?
    public var relaxSteps: Int?
    public var relaxOutcome: String?
    public var relaxSeconds: Double?
    public var spaceGroupBefore: String?
    public var spaceGroupAfter: String?
    public var formationEnergyPerAtom: Double?
    /// eV/atom above the hull of the MP reference joined by the campaign's candidates.
    public var energyAboveHull: Double?
    /// Decomposition products as "formula fraction" terms joined by " + ", e.g. "Li2O 0.500 + MnO 0.500".
    public var decomposition: String?
    /// The verdicts of the campaign's `VerdictRules` (docs/metrics.md): stable, unique (the
    /// representative of its group of matching relaxed candidates) and new (no reference matches).
    public var isStable: Bool?
    /// Stable, possibly stable (within the stability margin below the threshold) or unstable;
    /// `isStable` is true for `.stable` only.
    public var stability: StabilityLevel?
    public var isUnique: Bool?
    public var isNovel: Bool?
    /// Reference id it matched, when not novel.
    public var noveltyMatch: String?
    /// Formula already known in the MP composition table.
    public var knownFormula: Bool?
    /// The AFLOW prototype its relaxed structure matches, species ignored (`StructureTypeFinder`).
    public var structureType: String?
    public var hhi: Double?
    public var abundance: Double?
    /// Hard constraints it violates, empty when none.
    public var violations: String?
    public var rank: Int?
    /// Pareto front (1 = non-dominated) and crowding distance among the ranked candidates, with
    /// `[ranking] method = "pareto"`.
    public var paretoFront: Int?
    public var paretoCrowding: Double?
    public var error: String?
    /// CHGNet's magnetic moment (µB, magnitude) of each site of the relaxed structure.
    public var magneticMoments: [Double]?
    /// Targeted properties predicted on the generated structure, before relaxation (`TargetProperty` keys).
    public var screeningProperties: [String: PropertyValue]?
    /// Targeted properties of the relaxed structure (learned, structural, elastic and composition ones).
    public var properties: [String: PropertyValue]?
    /// Why a targeted property could not be computed (kept so it is not retried), per key; the
    /// screening prediction's failure under "<key> before relaxation".
    public var propertyErrors: [String: String]?
    /// P(every target met): the product of the per-target probabilities (independence assumed).
    public var targetProbability: Double?
    /// TreeSHAP explanations of the learned targeted properties of the relaxed structure (their
    /// five largest contributions), per key.
    public var explanations: [String: LearnedModel.Explanation]?
    /// The loop round that proposed it (0 for a campaign without `[loop]`).
    public var round = 0
    /// The search operator that made it (e.g. "heredity"), for search strategies.
    public var operation: String?
    /// Ids of the candidates it was made from, comma-separated (search strategies).
    public var parents: String?
    /// The search strategy's coordinates of it (e.g. a particle's position and velocity).
    public var genome: [Double]?
    /// The surrogate's E_hull prediction (mean ± σ, eV/atom) before relaxation (`[loop] acquisition`).
    public var surrogate: PropertyValue?
    /// The potential that relaxed it, with its version (`LoadedPotential.label`).
    public var model: String?
    /// With `[relax] committee`: each model's judgement of the relaxed structure, the relaxing
    /// model first (`CommitteeJudgement`).
    public var committee: [CommitteeJudgement]?
    /// Largest minus smallest E_hull of the committee's models (eV/atom): the verdict's uncertainty.
    public var energyAboveHullSpread: Double?
    /// From the lab outcomes, as of the last scoring (`LabEvidence`): the DFT energy (eV/atom) that
    /// placed it on the hull instead of the potential's, the latest synthesis verdict, and measured
    /// properties that replace the predictions in the targets.
    public var dftEnergyPerAtom: Double?
    public var synthesis: SynthesisResult?
    public var measuredProperties: [String: PropertyValue]?

    public init(id: String, ordinal: Int, generator: String, parent: String?, seed: Int64, substitution: String?,
                formula: String, nSites: Int, nElements: Int, initialStructure: String) {
        self.id = id
        self.ordinal = ordinal
        self.generator = generator
        self.parent = parent
        self.seed = seed
        self.substitution = substitution
        self.formula = formula
        self.nSites = nSites
        self.nElements = nElements
        self.status = .generated
        self.initialStructure = initialStructure
    }
}

/// A knowledge-store problem, naming the store file or the candidate.
public struct KnowledgeStoreError: Error, CustomStringConvertible {
    public let description: String
}

extension CandidateRecord {
    /// The stored initial structure, or the relaxed one with `relaxed`; errors name the candidate.
    public func structure(relaxed: Bool = false) throws -> Structure {
        guard let text = relaxed ? relaxedStructure : initialStructure else {
            throw KnowledgeStoreError(description: "candidate \(id): no relaxed structure stored")
        }
        do { return try StructureCoding.decode(text) } catch {
            throw KnowledgeStoreError(description: "candidate \(id): stored \(relaxed ? "relaxed" : "initial") structure is unreadable: \(ErrorText.describe(error))")
        }
    }
}

/// The campaign's knowledge store: one SQLite file (WAL) holding every candidate (and, with the mlip
/// hull reference, its relaxed reference phases). Each write is its own transaction, so a run killed
/// at any moment loses at most the candidate in flight.
public final class KnowledgeStore: Sendable {
    public let path: String
    let db: DatabaseQueue

    /// Opens (creating when needed) the store at `path`; `readOnly` opens an existing store for
    /// inspection while another process may be writing it.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var config = Configuration()
        config.readonly = readOnly
        // A server records lab outcomes while a campaign writes its candidates: wait for the other writer.
        config.busyMode = .timeout(30)
        if !readOnly {
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL") }
        }
        do { db = try DatabaseQueue(path: path, configuration: config) } catch {
            throw KnowledgeStoreError(description: "cannot open the knowledge store \(path): \(error)")
        }
        if readOnly { return }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: CandidateRecord.databaseTableName) { t in
                t.primaryKey("id", .text)
                t.column("ordinal", .integer).notNull().indexed()
                t.column("generator", .text).notNull()
                t.column("parent", .text)
                t.column("seed", .integer).notNull()
                t.column("substitution", .text)
                t.column("formula", .text).notNull()
                t.column("nSites", .integer).notNull()
                t.column("nElements", .integer).notNull()
                t.column("status", .text).notNull().indexed()
                t.column("initialStructure", .text).notNull()
                t.column("relaxedStructure", .text)
                t.column("duplicateOf", .text)
                for c in ["initialEnergyPerAtom", "finalEnergyPerAtom", "correctedEnergyPerAtom", "relaxSeconds",
                          "formationEnergyPerAtom", "eHull", "hhi", "abundance"] {
                    t.column(c, .double)
                }
                t.column("relaxSteps", .integer)
                for c in ["relaxOutcome", "spaceGroupBefore", "spaceGroupAfter", "decomposition", "noveltyMatch",
                          "violations", "error"] {
                    t.column(c, .text)
                }
                t.column("isUnique", .boolean)
                t.column("isNovel", .boolean)
                t.column("knownFormula", .boolean)
                t.column("rank", .integer)
            }
        }
        migrator.registerMigration("v2: one name for E_hull, stored stability verdict") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.rename(column: "eHull", to: "energyAboveHull")
                t.add(column: "isStable", .boolean)
            }
        }
        migrator.registerMigration("v3-magnetic-moments") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.add(column: "magneticMoments", .text)
            }
        }
        migrator.registerMigration("v4-stability-and-structure-type") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.add(column: "stability", .text)
                t.add(column: "structureType", .text)
            }
        }
        migrator.registerMigration("v5-pareto-ranking") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.add(column: "paretoFront", .integer)
                t.add(column: "paretoCrowding", .double)
            }
        }
        migrator.registerMigration("v6-property-targets") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                for c in ["screeningProperties", "properties", "propertyErrors", "explanations"] { t.add(column: c, .text) }
                t.add(column: "targetProbability", .double)
            }
        }
        migrator.registerMigration("v7-loop-rounds") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.add(column: "round", .integer).notNull().defaults(to: 0)
                for c in ["operation", "parents", "genome", "surrogate"] { t.add(column: c, .text) }
            }
        }
        Self.registerCommitteeMigration(&migrator)
        migrator.registerMigration("v9-mlip-reference") { try Self.addMLIPReferenceTable($0) }
        migrator.registerMigration("v10-lab-outcomes") { db in
            try db.create(table: LabOutcome.databaseTableName) { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("candidateId", .text).notNull().indexed().references(CandidateRecord.databaseTableName)
                for c in ["kind", "author", "method", "source"] { t.column(c, .text).notNull() }
                t.column("recordedAt", .datetime).notNull()
                for c in ["performedOn", "notes", "property"] { t.column(c, .text) }
                for c in ["succeeded", "phasePure"] { t.column(c, .boolean) }
                for c in ["value", "sigma", "energyPerAtom"] { t.column(c, .double) }
            }
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.add(column: "dftEnergyPerAtom", .double)
                t.add(column: "synthesis", .text)
                t.add(column: "measuredProperties", .text)
            }
        }
        migrator.registerMigration("v11-task-queue") { try Self.addTaskTable($0) }
        // Several processes may open a new store at once (a campaign and its workers): one migrates,
        // the others wait for it (an exclusive lock on a file beside the store) and find it done.
        let lock = open(path + "-migration.lock", O_CREAT | O_RDWR, 0o644)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { flock(lock, LOCK_UN); close(lock) } }
        try migrator.migrate(db)
    }

    /// v8: which model relaxed each candidate, and the committee's judgements. Older stores read as
    /// relaxed by an unrecorded model, without a committee.
    private static func registerCommitteeMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-models-and-committee") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.add(column: "model", .text)
                t.add(column: "committee", .text)
                t.add(column: "energyAboveHullSpread", .double)
            }
        }
    }

    /// A stored setting (e.g. the campaign fingerprint), nil when absent.
    public func meta(_ key: String) throws -> String? {
        try db.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try db.write { try $0.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", arguments: [key, value]) }
    }

    /// Inserts candidates that are not stored yet (by id) in one transaction; returns how many were new.
    @discardableResult
    public func insertNew(_ records: [CandidateRecord]) throws -> Int {
        try db.write { db in
            var added = 0
            for r in records where try CandidateRecord.fetchOne(db, key: r.id) == nil {
                try r.insert(db)
                added += 1
            }
            return added
        }
    }

    public func update(_ record: CandidateRecord) throws {
        try db.write { try record.update($0) }
    }

    public func update(_ records: [CandidateRecord]) throws {
        try db.write { db in for r in records { try r.update(db) } }
    }

    /// Every candidate in generation order.
    public func all() throws -> [CandidateRecord] {
        try db.read { try CandidateRecord.order(Column("ordinal")).fetchAll($0) }
    }

    public func candidates(status: CandidateStatus) throws -> [CandidateRecord] {
        try db.read { try CandidateRecord.filter(Column("status") == status.rawValue).order(Column("ordinal")).fetchAll($0) }
    }

    /// Records checked lab outcomes of stored candidates in one transaction (all or none); returns
    /// them with their ids.
    @discardableResult
    public func record(_ outcomes: [LabOutcome]) throws -> [LabOutcome] {
        for o in outcomes { try o.validate() }
        return try db.write { db in
            try outcomes.map { outcome in
                guard try CandidateRecord.fetchOne(db, key: outcome.candidateId) != nil else {
                    throw OutcomeError(field: "candidate", reason: "no candidate '\(outcome.candidateId)' in this campaign")
                }
                var o = outcome
                try o.insert(db)
                return o
            }
        }
    }

    /// Lab outcomes, oldest first; of one candidate when given.
    public func outcomes(candidate: String? = nil) throws -> [LabOutcome] {
        try db.read { db in
            var q = LabOutcome.order(Column("id"))
            if let candidate { q = q.filter(Column("candidateId") == candidate) }
            return try q.fetchAll(db)
        }
    }

    /// How many candidates a generator has stored.
    public func count(generator: String) throws -> Int {
        try db.read { try CandidateRecord.filter(Column("generator") == generator).fetchCount($0) }
    }
}
