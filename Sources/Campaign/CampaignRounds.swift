import Crystal
import CrystalIO
import Evaluation
import Diffusion
import Foundation
import Generation
import KilnSupport
import Properties
import Search
import Thermo

/// The closed loop: rounds of ask (each generator proposes) → screen → choose (acquisition) →
/// relax → tell (each generator learns what its proposals became). Every proposal is stored with
/// its round before anything is done with it and each finished round is recorded, so a run killed
/// at any point resumes without repeating or losing work: strategies are rebuilt by telling them
/// the stored rounds again (`SearchStrategy`).
extension CampaignRunner {
    func runRounds(_ store: KnowledgeStore, _ predictors: TargetPredictors?, hull: HullService,
                   elapsed: () -> Double, saveElapsed: () throws -> Void) throws {
        let target = try generationTarget()
        var strategies = try spec.generators.map { try strategy($0, target: target, hull: hull) }
        let names = spec.generators.indices.map(generatorName)
        var done = Int(try store.meta("rounds_done") ?? "0") ?? 0
        let records = try store.all()
        for r in 0..<done { try tell(&strategies, round: r, records, hull: hull) }
        var round = done
        let selection = try spec.loop?.acquisition.map {
            try CampaignSelection(acquisition: $0, hull: hull, calculator: potential.calculator, threshold: spec.stabilityThreshold,
                                  seed: spec.generators.map(\.seed).reduce(UInt64(0), ^))
        }
        while true {
            var records = try store.all()
            if !records.contains(where: { $0.round == round }) {
                if let why = try stopReason(round: round, records, elapsed: elapsed(), store: store, hull: hull) {
                    if spec.loop != nil { log("loop: stopped before round \(round + 1): \(why)") }
                    try store.setMeta("stop_reason", why)
                    break
                }
            }
            for gi in strategies.indices where !records.contains(where: { $0.round == round && $0.generator == names[gi] }) {
                let made = records.filter { $0.generator == names[gi] }.count
                let count = askCount(spec.generators[gi], made: made, records)
                guard count > 0 else { continue }
                if spec.loop != nil { log("round \(round + 1): \(names[gi]) proposes \(count)") }
                else { log("generating: \(names[gi]), budget \(spec.generators[gi].budget), seed \(spec.generators[gi].seed)") }
                var candidates: [Candidate]
                do {
                    candidates = try strategies[gi].ask(count: count, round: round)
                } catch GenerationError.limitReached(let message, let partial) {
                    log("warning: \(names[gi]): \(message)")
                    candidates = partial
                }
                if candidates.isEmpty { log("warning: \(names[gi]) produced no candidates for this target") }
                try store.insertNew(candidates.enumerated().map { record($1, generator: gi, index: made + $0, round: round, within: $0) })
            }
            records = try store.all()
            guard records.contains(where: { $0.round == round }) else {
                if spec.loop != nil { log("loop: stopped before round \(round + 1): the generators have nothing left to propose") }
                try store.setMeta("stop_reason", "the generators have nothing left to propose")
                break
            }
            try screen(store, predictors)
            if let selection { try choose(round: round, store: store, hull: hull, selection: selection) }
            try saveElapsed()
            try relax(store, saveElapsed: saveElapsed)
            done = round + 1
            try store.setMeta("rounds_done", String(done))
            try tell(&strategies, round: round, try withLabEvidence(try store.all(), store), hull: hull)
            round += 1
        }
    }

    /// Chooses, per generator, which of this round's pending proposals are relaxed: at most `batch`
    /// minus what the round already relaxed, within `max_relaxations`. Idempotent, so a resumed round
    /// keeps its choice.
    private func choose(round: Int, store: KnowledgeStore, hull: HullService, selection: CampaignSelection) throws {
        guard let loop = spec.loop else { return }
        let records = try withLabEvidence(try store.all(), store)
        var left = loop.maxRelaxations.map { $0 - relaxationCount(records) } ?? .max
        let mp2020 = Self.mp2020Loader()
        let relaxed = records.compactMap { r -> (record: CandidateRecord, eHull: Double)? in
            guard r.status == .relaxed, let s = try? r.structure(relaxed: true),
                  let e = try? hullEnergy(r, s.composition, hull: hull, mp2020: mp2020),
                  let h = hull.energyAboveHull(s.composition, energy: e) else { return nil }
            return (r, h)
        }
        for gi in spec.generators.indices {
            let mine = records.filter { $0.round == round && $0.generator == generatorName(gi) }
            let pool = mine.filter { $0.status == .generated }
            let quota = max(0, min(loop.batch - relaxationCount(mine), left))
            left -= min(quota, pool.count)
            guard pool.count > quota else { continue }
            log("round \(round + 1): \(loop.acquisition!.name) acquisition chooses \(quota) of \(pool.count) proposals of \(generatorName(gi))")
            try store.update(try selection.choose(pool, quota: quota, relaxed: relaxed, round: round, workers: workers))
        }
    }

    /// The campaign's target as the generators see it.
    func generationTarget() throws -> GenerationTarget {
        if !spec.formulas.isEmpty {
            var t = try GenerationTarget(compositions: spec.formulas, maxAtoms: spec.maxAtoms)
            t.requireChargeBalance = spec.requireChargeBalance
            return t
        }
        return try GenerationTarget(systems: spec.chemicalSystems, forbidden: Array(spec.forbiddenElements),
                                    maxAtoms: spec.maxAtoms, requireChargeBalance: spec.requireChargeBalance)
    }

    /// Name of the generator at a position of the campaign file, e.g. "substitution-0".
    func generatorName(_ gi: Int) -> String { "\(spec.generators[gi].kind.rawValue)-\(gi)" }

    private func strategy(_ g: CampaignSpec.GeneratorSpec, target: GenerationTarget, hull: HullService) throws -> any SearchStrategy {
        var substitution = SubstitutionGenerator()
        substitution.excludedFormulas = hiddenFormulas
        substitution.excludedPrototypes = hiddenPrototypes
        let random = RandomSymmetricGenerator(maxAttempts: g.maxAttempts, timeLimit: g.timeLimit)
        switch g.kind {
        case .substitution:
            return SubstitutionSearch(generator: substitution, target: target, seed: g.seed)
        case .randomSymmetric:
            return RandomSearch(generator: random, target: target, seed: g.seed)
        case .particleSwarm:
            var p = g.swarm
            p.generator = random
            return try ParticleSwarmSearch(target: target, parameters: p, seed: g.seed)
        case .rlComposition:
            return try RLCompositionSearch(target: target, parameters: g.agent, seed: g.seed,
                                           predictor: PredictedHullEnergy(hull: hull, model: LearnedModel.bundled(.formationEnergy)),
                                           targetTerm: g.agent.weights.target > 0 ? try compositionTargetTerm() : nil)
        case .evolutionary:
            return try EvolutionarySearch(target: target, parameters: g.evolution, seed: g.seed, random: random,
                                          substitution: substitution)
        case .diffusion:
            let model: DiffusionModel
            do { model = try DiffusionModel.named(g.diffusion.model) } catch {
                throw GenerationError.invalidTarget("diffusion model '\(g.diffusion.model)': \(error.localizedDescription)")
            }
            var sampling = DiffusionSampling()
            sampling.guidance = g.diffusion.guidance
            sampling.stepSize = g.diffusion.stepSize ?? DiffusionPreset.stepSize(for: model, csp: !target.formulas.isEmpty)
            return try DiffusionSearch(model: model, target: target, seed: g.seed, sampling: sampling, property: g.diffusion.property)
        }
    }

    /// The RL reward's target term: the probability that a composition meets every learned `[targets]`
    /// window, from the bundled composition models (the same models that screen before relaxation).
    func compositionTargetTerm() throws -> @Sendable (Composition) -> Double {
        let models = try spec.targets.filter { $0.property.stage == .learned }.map { t in
            (t, try LearnedModel.bundled(LearnedProperty(rawValue: t.property.rawValue)!))
        }
        return { c in models.reduce(1) { p, m in p * ((try? m.1.predict(c)).map(m.0.probability) ?? 0) } }
    }

    /// Proposals to ask of a generator this round: its whole budget without `[loop]`; otherwise the
    /// round's batch (times the pool factor with a surrogate), within its budget and the relaxations left.
    private func askCount(_ g: CampaignSpec.GeneratorSpec, made: Int, _ records: [CandidateRecord]) -> Int {
        let left = g.budget - made
        guard let loop = spec.loop else { return made == 0 ? g.budget : 0 }
        var batch = loop.batch
        if let max = loop.maxRelaxations { batch = min(batch, max - relaxationCount(records)) }
        return max(0, min(left, batch * (loop.acquisition == nil ? 1 : loop.poolFactor)))
    }

    private func relaxationCount(_ records: [CandidateRecord]) -> Int {
        records.filter { $0.status == .relaxed || $0.status == .failed }.count
    }

    /// Why no further round starts, or nil to go on.
    private func stopReason(round: Int, _ records: [CandidateRecord], elapsed: Double, store: KnowledgeStore,
                            hull: HullService) throws -> String? {
        guard let loop = spec.loop else { return round >= 1 ? "one round without [loop]" : nil }
        if let why = stopRule?(records) { return why }
        if round >= loop.rounds { return "\(loop.rounds) rounds done (loop.rounds)" }
        if let max = loop.maxRelaxations, relaxationCount(records) >= max {
            return "\(relaxationCount(records)) relaxations reached loop.max_relaxations = \(max)"
        }
        if let limit = loop.timeLimit, elapsed >= limit {
            return String(format: "%.0f s of wall time reached loop.time_limit = %g s", elapsed, limit)
        }
        if let k = loop.patience, round >= k {
            if try sunFound(after: round - 1, store: store, records, hull: hull)
                == sunFound(after: round - 1 - k, store: store, records, hull: hull) {
                return "no new stable, unique, new-structure candidate in the last \(k) rounds (loop.patience)"
            }
        }
        return nil
    }

    /// Stored record of a proposal. Ordinals follow time (round, then generator, then order asked),
    /// so "the earliest of a group" is well defined across rounds.
    private func record(_ c: Candidate, generator gi: Int, index: Int, round: Int, within: Int) -> CandidateRecord {
        let p = c.provenance
        let subs = p.substitutions.isEmpty ? nil : p.substitutions.map { "\($0.from)→\($0.to)" }.joined(separator: ", ")
        var parent = p.parentID
        if parent == nil, let sg = p.spaceGroup { parent = "space group \(sg): " + p.wyckoffPositions.joined(separator: ", ") }
        var r = CandidateRecord(
            id: String(format: "%@-%04d", generatorName(gi), index), ordinal: round * 100_000_000 + gi * 1_000_000 + within,
            generator: generatorName(gi), parent: parent, seed: Int64(bitPattern: p.seed), substitution: subs,
            formula: c.structure.reducedFormula, nSites: c.structure.count, nElements: c.structure.composition.elements.count,
            initialStructure: StructureCoding.encode(c.structure))
        r.round = round
        r.operation = p.operation
        r.parents = p.parents.isEmpty ? nil : p.parents.joined(separator: ",")
        r.genome = p.genome.isEmpty ? nil : p.genome
        return r
    }

    /// Tells every strategy what its proposals of `round` became.
    private func tell(_ strategies: inout [any SearchStrategy], round: Int, _ records: [CandidateRecord], hull: HullService) throws {
        let mp2020 = Self.mp2020Loader()
        for gi in strategies.indices {
            let name = generatorName(gi)
            let mine = records.filter { $0.round == round && $0.generator == name }
            strategies[gi].tell(try mine.map { try evaluation($0, hull: hull, mp2020: mp2020) })
        }
    }

    private func evaluation(_ r: CandidateRecord, hull: HullService, mp2020: () throws -> MP2020Compatibility) throws -> Evaluation {
        let initial = try r.structure()
        let provenance = Provenance(generator: r.generator, seed: UInt64(bitPattern: r.seed), parentID: r.parent,
                                    operation: r.operation, parents: r.parents?.split(separator: ",").map(String.init) ?? [],
                                    genome: r.genome ?? [])
        let outcome: Evaluation.Outcome = switch r.status {
        case .relaxed: .relaxed
        case .failed: .failed
        case .invalid: .rejected
        case .duplicate: .duplicate
        case .generated, .screenedOut, .notSelected: .notSelected
        }
        var e = Evaluation(id: r.id, round: r.round, outcome: outcome, provenance: provenance, initial: initial,
                           duplicateOf: r.duplicateOf)
        if r.status == .relaxed, let energy = r.finalEnergyPerAtom {
            let relaxed = try r.structure(relaxed: true)
            e.relaxed = relaxed
            e.energyPerAtom = energy
            e.eHull = try hullEnergy(r, relaxed.composition, hull: hull, mp2020: mp2020).flatMap {
                hull.energyAboveHull(relaxed.composition, energy: $0)
            }
            e.fitness = e.eHull.map { $0 + (spec.loop?.targetWeight ?? 0) * (1 - targetProbability(r)) }
        }
        return e
    }

    /// P(every composition or learned `[targets]` window is met) from the candidate's screening
    /// predictions (1 without such targets; a missing prediction counts as 0).
    func targetProbability(_ r: CandidateRecord) -> Double {
        spec.targets.filter { $0.property.stage == .composition || $0.property.stage == .learned }.reduce(1) { p, t in
            p * (r.screeningProperties?[t.property.rawValue].map(t.probability) ?? 0)
        }
    }

    /// Stable (E_hull ≤ threshold against the MP reference and the campaign's candidates, no margin),
    /// unique and new-structure candidates among those relaxed by the end of `round` (0 before round 0);
    /// cached in the store.
    private func sunFound(after round: Int, store: KnowledgeStore, _ records: [CandidateRecord], hull: HullService) throws -> Int {
        guard round >= 0 else { return 0 }
        let key = "sun_after_round_\(round)"
        if let v = try store.meta(key), let n = Int(v) { return n }
        let relaxed = records.filter { $0.round <= round && $0.status == .relaxed && $0.finalEnergyPerAtom != nil }
        let structures = try relaxed.map { try $0.structure(relaxed: true) }
        let entries = try zip(relaxed, structures).map { r, s in
            try hull.entry(s.composition, energy: r.finalEnergyPerAtom! * s.composition.numAtoms, id: r.id)
        }
        let results = relaxed.isEmpty ? [] : try hull.join(entries, phaseSeparation: false).results
        let novelty = try NoveltyChecker.materialsProject(elements: spec.elements, hiddenFormulas: hiddenFormulas,
                                                          knownFormulas: hull.referenceFormulas)
        let verdicts = Verdicts.assess(relaxed.indices.map { k in
            VerdictInput(structure: structures[k], energyPerAtom: relaxed[k].finalEnergyPerAtom,
                         energyAboveHull: max(0, results[k].energyAboveHull),
                         converged: relaxed[k].relaxOutcome == "converged", stabilityMargin: 0)
        }, rules: spec.verdicts, novelty: novelty)
        let n = verdicts.filter { $0.sun == true }.count
        try store.setMeta(key, String(n))
        return n
    }
}
