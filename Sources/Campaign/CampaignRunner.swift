import Crystal
import CrystalIO
import Evaluation
import Foundation
import Generation
import KilnSupport
import Matching
import Potentials
import ReferenceData
import Symmetry
import Thermo

/// Runs a campaign: generate → validity → de-duplicate → relax (the campaign's potential) → stability
/// margins → committee single points → E_hull against the MP reference plus the campaign's own
/// candidates, per model → uniqueness and novelty →
/// constraints → ranking → outputs. Every state change is written to the knowledge store as it
/// happens, so re-running the same command after a crash or kill resumes without losing or
/// repeating work.
public struct CampaignRunner: Sendable {
    public var spec: CampaignSpec
    public var outputDirectory: URL
    /// The potential that relaxes and scores (`[relax] model`), with the MP2020 treatment its
    /// energies need: CHGNet 0.3.0's training targets (MPtrj) already carry the corrections, so
    /// uncorrected CHGNet formation energies of MP ground states (MgO, NaCl, TiO2, Li2MnO3) land
    /// within 25–60 meV/atom of MP's, corrected ones 0.28–0.56 eV/atom too low (docs/campaign.md).
    public var potential: LoadedPotential
    /// The committee (`[relax] committee`): models that judge each relaxed structure by a single
    /// point; names distinct from each other and from `potential`'s.
    public var committee: [LoadedPotential]
    /// Structures relaxed at once (each on its own core).
    public var workers = 2
    /// Reduced formulas hidden from prototypes, the hull reference and the novelty reference
    /// (used by the rediscovery benchmark).
    public var hiddenFormulas: Set<String> = []
    /// Prototypes (record indices per reference set) the substitution generator must not use.
    public var hiddenPrototypes: [ReferenceSet: Set<Int>] = [:]
    /// The campaign file (path and text) the spec was read from, recorded in the report.
    public var campaignFile: CampaignFile?
    /// Progress lines (stage changes, warnings).
    public var log: @Sendable (String) -> Void = { _ in }
    /// Relaxation progress: done, total, elapsed seconds.
    public var progress: (@Sendable (Int, Int, Double) -> Void)? = nil
    /// When this run began, when a caller did set-up work for it first (the rediscovery
    /// benchmark's choice of hidden phases); nil: when `run()` is called. Counted in the wall time.
    public var started: Date? = nil
    /// A further stopping rule checked before each round (the CSP benchmark stops at its first match):
    /// the reason to stop, or nil.
    public var stopRule: (@Sendable ([CandidateRecord]) -> String?)? = nil
    /// What computes the `[targets]` properties; nil: `TargetPredictors.standard` (the bundled
    /// models and the elastic tensor of `potential`).
    public var targetPredictors: TargetPredictors? = nil
    /// Who relaxes the candidates: this process, or `kiln worker` processes taking them from the
    /// knowledge store's task queue (`Executor.queue`).
    public var executor = Executor.local

    /// Where relaxations run.
    public enum Executor: Sendable {
        /// In this process, `workers` at a time.
        case local
        /// By workers that claim them from the store's task queue with expiring leases
        /// (`CampaignWorker`); the closure, called while waiting, throws when waiting is pointless
        /// (e.g. every worker job has ended with work left).
        case queue(watch: @Sendable (KnowledgeStore.QueueCounts) throws -> Void)
    }

    public init(spec: CampaignSpec, outputDirectory: URL, potential: LoadedPotential, committee: [LoadedPotential] = []) {
        self.spec = spec
        self.outputDirectory = outputDirectory
        self.potential = potential
        self.committee = committee
    }

    /// The knowledge store's location when it is not OUT/campaign.sqlite: another file, or a
    /// PostgreSQL URL (`kiln design --store`).
    public var storeLocation: String?

    /// Where the knowledge store is: `storeLocation`, else OUT/campaign.sqlite.
    public var storePath: String { storeLocation ?? outputDirectory.appendingPathComponent("campaign.sqlite").path }

    /// Runs (or resumes) the campaign and writes its outputs.
    public func run() throws -> CampaignSummary {
        let started = self.started ?? Date()
        do { try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true) } catch {
            throw CampaignSpecError(key: "", reason: "cannot create the output folder \(outputDirectory.path): \(ErrorText.describe(error))")
        }
        // One run per folder: a second `kiln design` on it stops at once instead of repeating the work.
        let lock = try DirectoryLock(folder: outputDirectory)
        defer { lock.release() }
        let store = try KnowledgeStore(path: storePath)
        let predictors = try resolvedPredictors()
        let fingerprint = self.fingerprint(predictors)
        if let old = try store.meta("fingerprint"), old != fingerprint {
            throw CampaignSpecError(key: "", reason: "\(outputDirectory.path) holds a different campaign; choose another output folder or delete it")
        }
        try store.setMeta("fingerprint", fingerprint)
        let previousSeconds = Double(try store.meta("seconds") ?? "0") ?? 0
        // Wall time over all runs of this campaign, saved as work lands so a killed run keeps its share.
        let elapsed = { previousSeconds + Date().timeIntervalSince(started) }
        let saveElapsed = { try store.setMeta("seconds", String(elapsed())) }

        // Fail before generating anything when the hull cannot place the target's elements.
        // One hull for the whole run: it checks the elements now and scores the candidates at the end.
        let names = ([potential] + committee).map(\.name)
        guard Set(names).count == names.count else {
            throw CampaignSpecError(key: "relax.committee", reason: "each model may judge once, not \(names.joined(separator: ", "))")
        }
        let hull = try hullService(store)
        let missing = hull.unsupportedElements(spec.elements)
        guard missing.isEmpty else {
            let what = spec.hullReference == .mlip ? "no relaxed pure-element reference phase" : "no Materials Project reference energy"
            throw CampaignSpecError(key: "target", reason: "\(what) for \(missing.map(\.symbol).joined(separator: ", ")), so E_hull cannot be computed; leave them out")
        }
        try runRounds(store, predictors, hull: hull, elapsed: elapsed, saveElapsed: saveElapsed)
        let margins = try stabilityMargins(store, hull: hull)
        try saveElapsed()
        try committeeSinglePoints(store, saveElapsed: saveElapsed)
        let summary = try score(store, hull: hull, margins: margins, predictors: predictors, seconds: elapsed())
        try saveElapsed()  // scoring and outputs included
        return summary
    }

    /// What identifies this campaign's work, so a different campaign never resumes into it.
    func fingerprint(_ predictors: TargetPredictors?) -> String {
        var parts = ["\(spec.chemicalSystems.map { $0.map(\.symbol) })", "\(spec.forbiddenElements.map(\.symbol).sorted())",
                     "\(spec.maxAtoms)", "\(spec.requireChargeBalance)", "\(spec.fmax)", "\(spec.relaxSteps)",
                     potential.calculator.name, "\(hiddenFormulas.sorted())"]
        if spec.hullReference != .materialsProject { parts.append("hull \(spec.hullReference.rawValue)") }
        parts += spec.generators.map {
            "\($0.kind.rawValue)/\($0.budget)/\($0.seed)/\($0.maxAttempts)/\($0.timeLimit)"
                + ($0.kind == .evolutionary ? "/\($0.evolution)" : "")
                + ($0.kind == .rlComposition ? "/\($0.agent)" : "")
                + ($0.kind == .diffusion ? "/\($0.diffusion)" : "")
                + ($0.kind == .particleSwarm ? "/\($0.swarm.swarmSize)/\($0.swarm.inertia)/\($0.swarm.cognitive)/\($0.swarm.social)/\($0.swarm.regenerationShare)" : "")
        }
        if !spec.formulas.isEmpty { parts.append("formulas \(spec.formulas.map(\.reducedFormula))") }
        // The stopping rules (rounds, max_relaxations, time_limit, patience) may change between runs: a
        // finished campaign can be continued with a larger budget.
        if let l = spec.loop { parts.append("loop \(l.batch)/\(l.acquisition.map { "\($0)" } ?? "none")/\(l.poolFactor)/\(l.targetWeight)") }
        if !hiddenPrototypes.isEmpty {
            parts.append("hidden prototypes " + hiddenPrototypes.keys.sorted { $0.rawValue < $1.rawValue }
                .map { "\($0.rawValue):\(hiddenPrototypes[$0]!.sorted())" }.joined(separator: " "))
        }
        if let targets = targetFingerprint(predictors) { parts.append(targets) }
        return parts.joined(separator: "|")
    }

    // MARK: stages

    /// Validity, charge balance, pre-relaxation de-duplication and the target screen of pending candidates.
    func screen(_ store: KnowledgeStore, _ predictors: TargetPredictors?) throws {
        var all = try store.all()
        var changed: [CandidateRecord] = []
        for i in all.indices where all[i].status == .generated {
            let s = try all[i].structure()
            var reasons = s.problems()
            if spec.requireChargeBalance && !ChargeBalance.isNeutral(s.composition) {
                reasons.append("no charge-neutral oxidation-state assignment")
            }
            if s.count > spec.maxAtoms { reasons.append("\(s.count) sites exceed max_atoms \(spec.maxAtoms)") }
            if !Set(s.composition.elements).isSubset(of: spec.elements) { reasons.append("contains elements outside the target") }
            if !reasons.isEmpty {
                all[i].status = .invalid
                all[i].error = reasons.joined(separator: "; ")
                changed.append(all[i])
            }
        }
        // Group every valid candidate by its initial structure; the earliest of a group is kept.
        let pool = all.indices.filter { all[$0].status != .invalid }
        let matcher = StructureMatcher()
        let structures = try pool.map { try all[$0].structure() }
        for group in matcher.group(structures) where group.count > 1 {
            let members = group.map { pool[$0] }.sorted { all[$0].ordinal < all[$1].ordinal }
            for m in members.dropFirst() where all[m].status == .generated {
                all[m].status = .duplicate
                all[m].duplicateOf = all[members[0]].id
                changed.append(all[m])
            }
        }
        try store.update(changed)
        if let predictors { try screenTargets(store, predictors) }
        all = try store.all()
        let pending = all.filter { $0.status == .generated }.count
        let screenedOut = all.filter { $0.status == .screenedOut }.count
        log("screened: \(all.count) generated, \(all.filter { $0.status == .invalid }.count) invalid, "
            + "\(all.filter { $0.status == .duplicate }.count) duplicates, "
            + (spec.targets.isEmpty ? "" : "\(screenedOut) screened out by targets, ") + "\(pending) to relax")
    }

    func relax(_ store: KnowledgeStore, saveElapsed: () throws -> Void) throws {
        let pending = try store.candidates(status: .generated)
        guard !pending.isEmpty else { return }
        if case .queue(let watch) = executor {
            try relaxThroughQueue(pending, store, watch: watch, saveElapsed: saveElapsed)
            return
        }
        let relaxer = relaxer()
        let started = Date()
        try WorkQueue.forEach(pending.count, workers: workers, progress: { done in
            progress?(done, pending.count, Date().timeIntervalSince(started))
        }) { k in
            try store.update(Self.relaxed(pending[k], by: relaxer, potential: potential))
            try saveElapsed()
        }
    }

    /// The campaign's relaxer: its potential, `fmax` and step limit.
    func relaxer() -> Relaxer {
        var relaxer = Relaxer(calculator: potential.calculator)
        relaxer.fmax = spec.fmax
        relaxer.maxSteps = spec.relaxSteps
        return relaxer
    }

    /// A candidate after its relaxation: energies, relaxed structure, space groups and timing, or
    /// `failed` with the reason. The same in a campaign's own process and in a `CampaignWorker`.
    static func relaxed(_ record: CandidateRecord, by relaxer: Relaxer, potential: LoadedPotential) -> CandidateRecord {
        var r = record
        let t0 = Date()
        do {
            let s = try r.structure()
            r.spaceGroupBefore = Self.spaceGroup(s)
            let result = try relaxer.relax(s)
            r.relaxSteps = result.steps
            r.relaxOutcome = result.outcome.label
            r.initialEnergyPerAtom = result.initialEnergyPerAtom
            if case .failed(let why) = result.outcome {
                r.status = .failed
                r.error = why
            } else {
                r.status = .relaxed
                r.model = potential.label
                r.finalEnergyPerAtom = result.finalEnergyPerAtom
                r.relaxedStructure = StructureCoding.encode(result.final.structure)
                r.magneticMoments = result.final.result.magmoms.isEmpty ? nil : result.final.result.magmoms
                r.spaceGroupAfter = Self.spaceGroup(result.final.structure)
            }
        } catch {
            r.status = .failed
            r.error = ErrorText.describe(error)
        }
        r.relaxSeconds = Date().timeIntervalSince(t0)
        return r
    }

    static func spaceGroup(_ s: Structure) -> String? {
        (try? SymmetryDataset(s)).map { "\($0.international) (\($0.number))" }
    }
}
