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

    public init(description: String) {
        self.description = description
    }
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

/// The campaign's knowledge store: every candidate (and, with the mlip hull reference, its relaxed
/// reference phases), lab outcomes and the task queue, in an SQLite file (WAL) or a PostgreSQL
/// database (`postgres://…`, module KilnCluster). Each write is its own transaction, so a run
/// killed at any moment loses at most the candidate in flight.
public final class KnowledgeStore: Sendable {
    /// The location as shown in messages (a file path, or a PostgreSQL URL without its password).
    public let path: String
    let backend: any StoreBackend

    /// Opens (creating and migrating when needed) the store at `location`: an SQLite file path, or a
    /// URL of a registered backend (`KnowledgeStore.register`); `readOnly` opens an existing store
    /// for inspection while another process may be writing it.
    public convenience init(path location: String, readOnly: Bool = false) throws {
        if let scheme = Self.scheme(of: location) {
            guard let open = Self.openers.withLock({ $0[scheme] }) else {
                throw KnowledgeStoreError(description: "no knowledge-store backend for '\(scheme):' URLs in this program (expected an SQLite file path or postgres://…)")
            }
            self.init(backend: try open(location, readOnly))
        } else {
            self.init(backend: try SQLiteStoreBackend(path: location, readOnly: readOnly))
        }
    }

    public init(backend: any StoreBackend) {
        self.backend = backend
        self.path = backend.displayName
    }

    /// Opens a store URL of one scheme (e.g. "postgres").
    public typealias Opener = @Sendable (_ url: String, _ readOnly: Bool) throws -> any StoreBackend
    static let openers = LockedValue<[String: Opener]>([:])

    /// Makes `KnowledgeStore(path:)` open URLs of `scheme` (`scheme://…`) with `open`.
    public static func register(scheme: String, _ open: @escaping Opener) {
        openers.withLock { $0[scheme] = open }
    }

    /// The URL scheme of a store location ("postgres" of "postgres://…"), nil for a file path.
    public static func scheme(of location: String) -> String? {
        guard let r = location.range(of: "://"), location[..<r.lowerBound].allSatisfy({ $0.isLetter || $0 == "+" }),
              !location[..<r.lowerBound].isEmpty else { return nil }
        return String(location[..<r.lowerBound]).lowercased()
    }

    /// A store location as shown in messages: a URL without its password.
    public static func display(_ location: String) -> String {
        guard scheme(of: location) != nil, var url = URLComponents(string: location), url.password != nil else { return location }
        url.password = nil
        return url.string ?? location
    }

    /// Whether a store exists at `location` (a URL's store is made on first use, so it counts as existing).
    public static func exists(_ location: String) -> Bool {
        scheme(of: location) != nil || FileManager.default.fileExists(atPath: location)
    }

    /// A stored setting (e.g. the campaign fingerprint), nil when absent.
    public func meta(_ key: String) throws -> String? {
        try backend.read { try $0.rows(#"SELECT "value" FROM "meta" WHERE "key" = ?"#, key).first?["value"] }
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try backend.write {
            try $0.execute(#"INSERT INTO "meta" ("key", "value") VALUES (?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value""#, key, value)
        }
    }

    /// Inserts candidates that are not stored yet (by id) in one transaction; returns how many were new.
    @discardableResult
    public func insertNew(_ records: [CandidateRecord]) throws -> Int {
        try backend.write { c in try records.reduce(0) { $0 + (try c.insert($1, ignoringConflictOn: "id")) } }
    }

    public func update(_ record: CandidateRecord) throws {
        try update([record])
    }

    public func update(_ records: [CandidateRecord]) throws {
        try backend.write { c in for r in records { try c.update(r, key: "id") } }
    }

    /// Every candidate in generation order.
    public func all() throws -> [CandidateRecord] {
        try backend.read { try $0.fetch(CandidateRecord.self, #"SELECT * FROM "candidate" ORDER BY "ordinal""#) }
    }

    public func candidates(status: CandidateStatus) throws -> [CandidateRecord] {
        try backend.read { try $0.fetch(CandidateRecord.self, #"SELECT * FROM "candidate" WHERE "status" = ? ORDER BY "ordinal""#, status.rawValue) }
    }

    /// Records checked lab outcomes of stored candidates in one transaction (all or none); returns
    /// them with their ids.
    @discardableResult
    public func record(_ outcomes: [LabOutcome]) throws -> [LabOutcome] {
        for o in outcomes { try o.validate() }
        return try backend.write { c in
            try outcomes.map { outcome in
                guard try !c.rows(#"SELECT "id" FROM "candidate" WHERE "id" = ?"#, outcome.candidateId).isEmpty else {
                    throw OutcomeError(field: "candidate", reason: "no candidate '\(outcome.candidateId)' in this campaign")
                }
                var o = outcome
                o.id = Int64.fromDatabaseValue(try c.insert(o, returning: "id"))
                return o
            }
        }
    }

    /// Lab outcomes, oldest first; of one candidate when given.
    public func outcomes(candidate: String? = nil) throws -> [LabOutcome] {
        try backend.read { c in
            if let candidate {
                return try c.fetch(LabOutcome.self, #"SELECT * FROM "outcome" WHERE "candidateId" = ? ORDER BY "id""#, candidate)
            }
            return try c.fetch(LabOutcome.self, #"SELECT * FROM "outcome" ORDER BY "id""#)
        }
    }

    /// How many candidates a generator has stored.
    public func count(generator: String) throws -> Int {
        try backend.read { try $0.rows(#"SELECT COUNT(*) AS "n" FROM "candidate" WHERE "generator" = ?"#, generator).first?["n"] ?? 0 }
    }
}
