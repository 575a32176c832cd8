import Crystal
import CrystalIO
import Foundation
import Evaluation
import Generation
import KilnSupport
import Matching
import Properties
import ReferenceData
import Symmetry
import Thermo

/// What a finished (or resumed) campaign produced.
public struct CampaignSummary: Codable, Sendable {
    public struct Stage: Codable, Sendable {
        public var stage: String
        public var count: Int
    }
    public struct Top: Codable, Sendable {
        public var rank: Int
        public var id: String
        public var formula: String
        public var energyAboveHull: Double
        public var isUnique: Bool
        /// `NoveltyLevel` raw value (new_composition, known_composition, known_structure).
        public var novelty: String?
        public var spaceGroup: String?
        /// P(every target met), with `[targets]`.
        public var targetProbability: Double?
        /// Largest minus smallest E_hull of the committee's models (eV/atom), with a committee.
        public var energyAboveHullSpread: Double?
        /// The targeted properties of its relaxed structure (mean, σ, unit), with `[targets]`.
        public var properties: [String: PropertyValue]?
    }
    public var name: String
    public var outputDirectory: String
    public var report: String
    public var csv: String
    public var store: String
    public var funnel: [Stage]
    /// Robustly stable (E_hull ≤ threshold − margin) and unique.
    public var stableUnique: Int
    /// Possibly stable (within the margin below the threshold), any uniqueness.
    public var possiblyStable: Int
    /// Stable, unique and no built-in MP structure matches (MatterGen's SUN; the formula may be known).
    public var sunNewStructure: Int
    /// Stable, unique and a new composition (no MP table lists the formula): the headline SUN.
    public var sun: Int
    public var top: [Top]
    /// With `[relax] committee`: SUN by the relaxing model alone and with every model agreeing.
    public var committee: CommitteeCounts?
    public var wallSeconds: Double
    public var relaxedPerMinute: Double
    public var sunPerCPUHour: Double
    public var reference: String
    /// The stability margins used (measured per system, with every known phase's offset; empty when fixed).
    public var stabilityMargins: [StabilityMargin]
    /// The reference's size, age and sources, and the margin, one line each (as in the report).
    public var provenance: [String]

    /// The committee's models and what their agreement changes.
    public struct CommitteeCounts: Codable, Sendable {
        /// Every model with its version, the relaxing one first.
        public var models: [String]
        /// Whether `sun` counts only candidates every model finds stable (`[relax] require_agreement`).
        public var requireAgreement: Bool
        /// SUN (new composition) by the relaxing model alone.
        public var sunSingleModel: Int
        /// SUN (new composition) with every model finding it stable.
        public var sunAgreed: Int
        /// Relaxed candidates whose stable verdict depends on the model.
        public var modelDependent: Int
    }
}

extension CampaignRunner {
    /// E_hull, uniqueness, novelty, objectives, constraints and rank of every relaxed candidate,
    /// then the CSV, CIFs and HTML report. Cheap, so it is recomputed on every run.
    func score(_ store: KnowledgeStore, hull: HullService, margins: CampaignMargins, predictors: TargetPredictors?,
               seconds: Double) throws -> CampaignSummary {
        var all = try withLabEvidence(try store.all(), store)
        let relaxed = all.indices.filter { all[$0].status == .relaxed }
        let structures = try relaxed.map { try all[$0].structure(relaxed: true) }
        let targetElements = spec.elements
        let mp2020 = Self.mp2020Loader()
        if spec.hullReference != .materialsProject && relaxed.contains(where: { all[$0].dftEnergyPerAtom != nil }) {
            log("DFT energies from the lab are on MP's scale and are not used on the \(spec.hullReference.rawValue) hull reference")
        }

        // Hull: MP reference of the target elements plus the campaign's own candidates.
        log("scoring: hull, uniqueness and novelty of \(relaxed.count) relaxed candidates")
        var candidateEntries: [ThermoEntry] = []
        for (k, i) in relaxed.enumerated() {
            let c = structures[k].composition
            let total = try hullEnergy(all[i], c, hull: hull, mp2020: mp2020)!
            all[i].correctedEnergyPerAtom = (total + hull.correction(for: c)) / c.numAtoms
            candidateEntries.append(try hull.entry(c, energy: total, id: all[i].id))
        }
        var joined: (diagram: PhaseDiagram, results: [HullResult])?
        if !relaxed.isEmpty || !hull.referenceEntries.isEmpty {
            let (pd, results) = try hull.join(candidateEntries, phaseSeparation: false)
            joined = (pd, results)
            for (k, i) in relaxed.enumerated() {
                let r = results[k]
                all[i].formationEnergyPerAtom = r.formationEnergyPerAtom
                all[i].energyAboveHull = max(0, r.energyAboveHull)
                all[i].decomposition = r.decomposition.map {
                    "\($0.entry.composition.reducedFormula) \(String(format: "%.3f", $0.fraction))"
                }.joined(separator: " + ")
            }
        }

        let memberEHulls = try committeeEnergiesAboveHull(all, relaxed: relaxed, structures: structures, hull: hull)

        // Stable, unique and new, by the campaign's verdict rules (docs/metrics.md), against the
        // built-in MP structures of the target elements.
        let novelty = try NoveltyChecker.materialsProject(elements: targetElements, hiddenFormulas: hiddenFormulas,
                                                          knownFormulas: hull.referenceFormulas)
        let verdicts = Verdicts.assess(relaxed.enumerated().map { k, i in
            VerdictInput(structure: structures[k], energyPerAtom: all[i].finalEnergyPerAtom, energyAboveHull: all[i].energyAboveHull,
                         converged: all[i].relaxOutcome == "converged",
                         stabilityMargin: margins.margin(for: Set(structures[k].composition.elements)))
        }, rules: spec.verdicts, novelty: novelty)
        for (k, i) in relaxed.enumerated() {
            var level = verdicts[k].stability
            let margin = margins.margin(for: Set(structures[k].composition.elements))
            let judged = judgements(all[i], level: level, memberEHulls: memberEHulls.map { $0[k] }, margin: margin)
            all[i].committee = judged?.judgements
            all[i].energyAboveHullSpread = judged?.spread
            // With require_agreement, stable needs every model; a candidate only its relaxing model
            // finds stable is possibly stable.
            if spec.requireAgreement && level == .stable && all[i].committeeStable == false { level = .possiblyStable }
            all[i].isStable = level == .stable
            all[i].stability = level
            all[i].isUnique = verdicts[k].unique
            all[i].duplicateOf = verdicts[k].unique ? nil : all[relaxed[verdicts[k].representative]].id
            all[i].isNovel = verdicts[k].novel
            all[i].noveltyMatch = verdicts[k].noveltyMatch
            all[i].knownFormula = verdicts[k].noveltyLevel != .newComposition
        }
        // Structure types (AFLOW prototypes, species ignored) of the unique candidates.
        let unique = relaxed.indices.filter { verdicts[$0].unique }
        let types = try StructureTypeFinder().structureTypes(unique.map { structures[$0] })
        for i in relaxed { all[i].structureType = nil }
        for (n, k) in unique.enumerated() { all[relaxed[k]].structureType = types[n]?.name }
        if let predictors { try finalProperties(&all, relaxed: relaxed, structures: structures, store: store, predictors: predictors) }
        if spec.constraints.dynamicallyStable { try phononStage(&all, relaxed: relaxed, structures: structures, store: store) }
        if spec.constraints.thermallyRobust { try thermalStage(&all, relaxed: relaxed, structures: structures, store: store) }
        try synthesizabilityStage(&all, relaxed: relaxed, structures: structures, store: store)

        // Objectives and hard constraints.
        for (k, i) in relaxed.enumerated() {
            all[i].hhi = TargetProperty.hhi(structures[k].composition)
            all[i].abundance = TargetProperty.abundance(structures[k].composition)
            var v: [String] = []
            let c = spec.constraints
            if let m = c.maxEHull, all[i].energyAboveHull! > m { v.append("E_hull > \(m)") }
            if let m = c.maxHHI, all[i].hhi! > m { v.append("HHI > \(m)") }
            if let m = c.minAbundance, all[i].abundance! < m { v.append("abundance < \(m)") }
            if let m = c.maxElements, all[i].nElements > m { v.append("elements > \(m)") }
            if all[i].relaxOutcome != "converged" { v.append("relaxation \(all[i].relaxOutcome ?? "unfinished")") }
            if c.dynamicallyStable, let why = dynamicStabilityViolation(all[i]) { v.append(why) }
            if c.thermallyRobust, let why = thermalRobustnessViolation(all[i]) { v.append(why) }
            if c.synthesizable, let why = try synthesizabilityViolation(all[i]) { v.append(why) }
            all[i].targetProbability = nil
            if !spec.targets.isEmpty { v += evaluateTargets(&all[i]) }
            all[i].violations = v.isEmpty ? nil : v.joined(separator: ", ")
        }

        // Rank the unique candidates only (duplicates stay in the CSV with their verdicts); a
        // candidate the lab failed to make goes after every other. Then: stable,
        // then possibly stable, then the rest; within each the newest novelty level, then E_hull
        // (to 1 meV/atom), then the weighted objectives. With targets, right after the stability
        // class: the product of the "probability" targets' P (to 0.01, higher first), then the sum of
        // the "objective" targets' distances (to 0.001, in their units).
        let o = spec.objectives
        func objective(_ r: CandidateRecord) -> Double {
            o.supplyRisk * (r.hhi ?? 0) / 10_000 + o.abundance * -log10(max(r.abundance ?? 1, 1e-12)) + o.elements * Double(r.nElements)
        }
        for i in all.indices { (all[i].rank, all[i].paretoFront, all[i].paretoCrowding) = (nil, nil, nil) }
        let candidates = relaxed.filter { all[$0].violations == nil && all[$0].isUnique == true }
        let eligible: [Int]
        switch spec.ranking.method {
        case .weighted:
            func key(_ i: Int) -> [Double] {
                let r = all[i]
                let p = spec.targets.filter { $0.use == .probability }.reduce(1.0) { $0 * (1 - ($1.objectiveValue(r) ?? 1)) }
                let d = spec.targets.filter { $0.use == .objective }.reduce(0.0) { $0 + ($1.objectiveValue(r) ?? .infinity) }
                let stability = Double(r.stability?.order ?? StabilityLevel.allCases.count)
                let novelty = Double(r.noveltyLevel?.order ?? NoveltyLevel.allCases.count)
                return [r.synthesis == .failed ? 1 : 0, stability, -(p * 100).rounded(), (d * 1000).rounded(), novelty,
                        (r.energyAboveHull! * 1000).rounded(), objective(r), Double(r.ordinal)]
            }
            eligible = candidates.sorted { key($0).lexicographicallyPrecedes(key($1)) }
        case .pareto:
            // fronts first, then the less crowded (more distinct trade-off), then E_hull
            let ranks = ParetoRanking.rank(candidates.map { i in spec.ranking.objectives.map { $0.value(all[i], targets: spec.targets) } })
            for (i, r) in zip(candidates, ranks) { (all[i].paretoFront, all[i].paretoCrowding) = (r.front + 1, r.crowding) }
            func key(_ i: Int) -> (Int, Int, Double, Double, Int) {
                (all[i].synthesis == .failed ? 1 : 0, all[i].paretoFront!, -all[i].paretoCrowding!, all[i].energyAboveHull!, all[i].ordinal)
            }
            eligible = candidates.sorted { key($0) < key($1) }
        }
        for (r, i) in eligible.enumerated() { all[i].rank = r + 1 }
        try store.update(relaxed.map { all[$0] })
        let hulls = joined.map { hullPlots($0.diagram, $0.results, records: all) } ?? []

        let sources = try ReferenceProvenance(hull: hull, novelty: novelty, margins: margins)
        return try writeOutputs(all, hulls: hulls, seconds: seconds, reference: hull.provenance, sources: sources,
                                stopReason: try store.meta("stop_reason"), dft: LabEvidence.byCandidate(try store.outcomes()).compactMapValues(\.dft))
    }

    private func writeOutputs(_ all: [CandidateRecord], hulls: [(system: String, svg: String)], seconds: Double,
                              reference: String, sources: ReferenceProvenance, stopReason: String?,
                              dft: [String: LabOutcome]) throws -> CampaignSummary {
        let ranked = all.filter { $0.rank != nil }.sorted { $0.rank! < $1.rank! }
        let rest = all.filter { $0.rank == nil && ($0.status == .relaxed || $0.status == .failed) }
        let relaxed = all.filter { $0.status == .relaxed }
        let stable = relaxed.filter { $0.isStable == true }
        let possiblyStable = relaxed.filter { $0.stability == .possiblyStable }
        let stableUnique = stable.filter { $0.isUnique == true }
        let sunNewStructure = stableUnique.filter { $0.isNovel == true }
        let sun = stableUnique.filter { $0.noveltyLevel == .newComposition }
        var funnel: [(stage: String, count: Int)] = [
            ("generated", all.count),
            ("valid", all.filter { $0.status != .invalid }.count),
            ("unique before relaxation", all.filter { $0.status != .invalid && $0.status != .duplicate }.count),
        ]
        if !screeningTargets.isEmpty {
            let passed = all.filter { ![CandidateStatus.invalid, .duplicate, .screenedOut].contains($0.status) }.count
            funnel.append(("passed the target screen (P ≥ \(spec.minTargetProbability) for each constraint target)", passed))
        }
        funnel += [
            ("relaxed", relaxed.count),
            ("stable (\(spec.verdicts.requireConverged ? "converged, " : "")E_hull ≤ \(spec.stabilityThreshold) eV/atom − margin)", stable.count),
            ("possibly stable (beside: within the margin below \(spec.stabilityThreshold) eV/atom)", possiblyStable.count),
            ("stable and unique", stableUnique.count),
            ("stable, unique, structure not in the built-in MP structures", sunNewStructure.count),
            ("stable, unique and new composition (SUN)", sun.count),
        ]
        let committeeCounts = committee.isEmpty ? nil : CampaignSummary.CommitteeCounts(
            models: ([potential] + committee).map(\.label), requireAgreement: spec.requireAgreement,
            sunSingleModel: relaxed.filter { $0.stableByModel == true && $0.isUnique == true && $0.noveltyLevel == .newComposition }.count,
            sunAgreed: relaxed.filter { $0.committeeStable == true && $0.isUnique == true && $0.noveltyLevel == .newComposition }.count,
            modelDependent: relaxed.filter { $0.verdictDependsOnModel == true }.count)
        if let c = committeeCounts {
            funnel += [("SUN by \(potential.name) alone", c.sunSingleModel),
                       ("SUN with all \(c.models.count) models agreeing (\(([potential] + committee).map(\.name).joined(separator: ", ")))", c.sunAgreed),
                       ("relaxed, verdict depends on the model", c.modelDependent)]
        }

        // Structure files first (each folder swapped whole, CampaignExport), then the CSV and the
        // report, each written to a temporary file and renamed.
        try writeStructureFiles(ranked: ranked, all: all, hullReference: reference, margins: sources.margins)
        let judges = committee.isEmpty ? [] : [potential] + committee
        var header = ["rank", "id", "formula", "e_above_hull", "formation_energy_per_atom", "energy_per_atom",
                      "corrected_energy_per_atom", "decomposition", "space_group", "structure_type", "stable", "stability", "unique", "novel", "novelty_level", "novelty_match",
                      "known_formula", "hhi", "abundance", "n_sites", "generator", "round", "operation", "parents", "parent", "substitution", "relax_outcome",
                      "relax_steps", "status", "violations", "model", "synthesis", "dft_energy_per_atom", "measured"]
        if !judges.isEmpty { header += ["e_above_hull_spread", "committee_stable", "verdict_depends_on_model"] + judges.map { "e_above_hull_\($0.name)" } }
        header += ["pareto_front", "pareto_crowding"]
            + spec.targets.flatMap { ["\($0.property.rawValue)_mean", "\($0.property.rawValue)_sigma", "\($0.property.rawValue)_p"] }
            + (spec.targets.isEmpty ? [] : ["p_targets"])
        var rows: [[String]] = []
        func n(_ x: Double?) -> String { x.map { String(format: "%.6f", $0) } ?? "" }
        func b(_ x: Bool?) -> String { x.map { $0 ? "true" : "false" } ?? "" }
        for r in ranked + rest {
            var row = [r.rank.map(String.init) ?? "", r.id, r.formula, n(r.energyAboveHull), n(r.formationEnergyPerAtom),
                       n(r.finalEnergyPerAtom), n(r.correctedEnergyPerAtom), r.decomposition ?? "", r.spaceGroupAfter ?? "",
                       r.structureType ?? "", b(r.isStable), r.stability?.rawValue ?? "", b(r.isUnique), b(r.isNovel), r.noveltyLevel?.rawValue ?? "", r.noveltyMatch ?? "", b(r.knownFormula), n(r.hhi),
                       n(r.abundance), String(r.nSites), r.generator, String(r.round + 1), r.operation ?? "", r.parents ?? "",
                       r.parent ?? "", r.substitution ?? "",
                       r.relaxOutcome ?? "", r.relaxSteps.map(String.init) ?? "", r.status.rawValue, r.violations ?? r.error ?? "", r.model ?? "",
                       r.synthesis?.rawValue ?? "", n(r.dftEnergyPerAtom), (r.measuredProperties?.keys.sorted() ?? []).joined(separator: " ")]
            if !judges.isEmpty {
                row += [n(r.energyAboveHullSpread), b(r.committeeStable), b(r.verdictDependsOnModel)]
                    + judges.map { n(r.judgement($0.name)?.energyAboveHull) }
            }
            row += [r.paretoFront.map(String.init) ?? "", r.paretoCrowding.map { $0.isFinite ? String(format: "%.6f", $0) : "inf" } ?? ""]
            for t in spec.targets {
                let v = r.measuredProperties?[t.property.rawValue] ?? r.properties?[t.property.rawValue]
                row += [n(v?.mean), n(v?.sigma), n(v.map(t.probability))]
            }
            if !spec.targets.isEmpty { row.append(n(r.targetProbability)) }
            rows.append(row)
        }
        let csvURL = outputDirectory.appendingPathComponent("candidates.csv")
        // Spreadsheet-safe: a text cell starting with =, +, - or @ is not read as a formula.
        try CSVWriter(spreadsheetSafe: true).document(header: header, rows: rows).write(to: csvURL, atomically: true, encoding: .utf8)

        let provenance = sources.lines + [
            "Verdicts: stable = E_hull ≤ \(spec.stabilityThreshold) eV/atom − the stability margin\(spec.verdicts.requireConverged ? " after a converged relaxation" : ""), "
                + "possibly stable = within the margin below the threshold; "
                + "unique = the \(spec.verdicts.representative.label); novelty: known structure (a built-in MP structure matches), "
                + "known composition (the formula is in the MP tables, the structure is not), new composition (in neither); "
                + "SUN counts new compositions only (docs/metrics.md)",
            "Energies: \(Self.energyScale(potential)), MP elemental reference energies (matbench-discovery 2023-02-07)",
        ] + (committee.isEmpty ? [] : [
            "Committee: " + committee.map(Self.energyScale).joined(separator: "; ")
                + "; a single point of each on every relaxed structure, placed on the same reference with its own candidates; "
                + "each model's verdict by the same rule (threshold, margin, convergence); the E_hull spread (max − min) is the verdict's uncertainty"
                + (spec.requireAgreement ? "; require_agreement: stable only when every model finds it stable, otherwise possibly stable" : ""),
        ]) + (hiddenFormulas.isEmpty ? [] : ["Hidden from prototypes and references: \(hiddenFormulas.sorted().joined(separator: ", "))"])
        var report = CampaignReport(spec: spec, records: all, funnel: funnel, hulls: hulls, provenance: provenance,
                                    wallSeconds: seconds, potential: potential.label, campaignFile: campaignFile,
                                    symprec: SymmetryTolerance.symprec)
        report.stopReason = stopReason
        report.committee = committee.map(\.label)
        for r in all where r.rank != nil && r.properties?[Self.phononKey] != nil {
            report.phononPlots[r.id] = try? String(contentsOf: outputDirectory.appendingPathComponent("phonons/\(r.id).svg"), encoding: .utf8)
        }
        report.synthesis = synthesisEvidence(all)
        report.dft = dft
        let reportURL = outputDirectory.appendingPathComponent("report.html")
        try report.html().write(to: reportURL, atomically: true, encoding: .utf8)
        try writePlots(hulls: hulls, records: all)

        let relaxSeconds = relaxed.compactMap(\.relaxSeconds).reduce(0, +)
        return CampaignSummary(
            name: spec.name, outputDirectory: outputDirectory.path, report: reportURL.path, csv: csvURL.path, store: KnowledgeStore.display(storePath),
            funnel: funnel.map { CampaignSummary.Stage(stage: $0.stage, count: $0.count) },
            stableUnique: stableUnique.count, possiblyStable: possiblyStable.count, sunNewStructure: sunNewStructure.count, sun: sun.count,
            top: ranked.prefix(10).map {
                CampaignSummary.Top(rank: $0.rank!, id: $0.id, formula: $0.formula, energyAboveHull: $0.energyAboveHull!,
                                    isUnique: $0.isUnique ?? false, novelty: $0.noveltyLevel?.rawValue, spaceGroup: $0.spaceGroupAfter,
                                    targetProbability: $0.targetProbability, energyAboveHullSpread: $0.energyAboveHullSpread,
                                    properties: spec.targets.isEmpty ? nil : $0.properties)
            },
            committee: committeeCounts,
            wallSeconds: seconds,
            relaxedPerMinute: seconds > 0 ? Double(relaxed.count) / (seconds / 60) : 0,
            sunPerCPUHour: relaxSeconds > 0 ? Double(sun.count) / (relaxSeconds / 3600) : 0,
            reference: reference, stabilityMargins: sources.margins.measured, provenance: provenance)
    }
}

extension CampaignRunner {
    /// The report's plots as files too, for the dashboard: plots/hull-SYSTEM.svg per binary or
    /// ternary system and, with Pareto ranking, plots/pareto.svg.
    func writePlots(hulls: [(system: String, svg: String)], records: [CandidateRecord]) throws {
        let folder = outputDirectory.appendingPathComponent("plots")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var files = hulls.map { ("hull-\($0.system).svg", $0.svg) }
        if spec.ranking.method == .pareto {
            files.append(("pareto.svg", ParetoPlot.svg(records, objectives: spec.ranking.objectives, targets: spec.targets)))
        }
        for (name, svg) in files { try svg.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    }
}

extension CandidateRecord {
    /// The novelty level its verdicts give (nil before scoring).
    public var noveltyLevel: NoveltyLevel? {
        guard let isNovel, let knownFormula else { return nil }
        return NoveltyLevel(structureMatched: !isNovel, formulaKnown: knownFormula)
    }
}

extension CampaignSpec.Ranking.Objective {
    /// The value this objective minimises for a scored candidate.
    func value(_ r: CandidateRecord, targets: [CampaignSpec.Target]) -> Double {
        switch self {
        case .eHull: r.energyAboveHull ?? .infinity
        case .supplyRisk: r.hhi ?? 0
        case .abundance: -log10(max(r.abundance ?? 1, 1e-12))
        case .nElements: Double(r.nElements)
        case .target(let p): targets.first { $0.property == p }?.objectiveValue(r) ?? .infinity
        }
    }

    /// Axis label with units.
    func label(targets: [CampaignSpec.Target]) -> String {
        switch self {
        case .eHull: "E_hull (eV/atom)"
        case .supplyRisk: "HHI (production)"
        case .abundance: "−log10 crustal abundance (ppm)"
        case .nElements: "number of elements"
        case .target(let p):
            targets.first { $0.property == p }.map {
                $0.use == .objective ? "\(p.rawValue): distance outside \($0.window)" : "1 − P(\(p.rawValue) \($0.window))"
            } ?? p.rawValue
        }
    }
}
