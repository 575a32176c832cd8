import Crystal
import Foundation
import KilnSupport
import Matching

/// Per-structure results behind a scorecard.
public struct StructureRecord: Sendable, Codable {
    public var id: String
    public var formula: String
    public var structurallyValid: Bool
    public var compositionallyValid: Bool
    /// First member of its group of matching generated structures.
    public var unique: Bool
    /// Nil when it was not relaxed.
    public var stable: Bool?
    /// Nil when novelty was not checked.
    public var novel: Bool?
    public var novelFormula: Bool?
    /// Nil when novelty was not checked.
    public var noveltyLevel: NoveltyLevel?
    /// Present for the structures that were relaxed.
    public var relaxation: RelaxedCandidate?

    public static let csvColumns = ["id", "formula", "struct_valid", "comp_valid", "unique", "stable", "novel", "novel_formula",
                                    "novelty_level", "relax_outcome", "relax_steps", "energy_per_atom", "e_above_hull", "rmsd"]

    /// The record's fields in `csvColumns` order (write them with `CSVWriter`).
    public var csvFields: [String] {
        func opt<T>(_ v: T?) -> String { v.map { "\($0)" } ?? "" }
        let r = relaxation
        return [id, formula, "\(structurallyValid)", "\(compositionallyValid)", "\(unique)", opt(stable), opt(novel),
                opt(novelFormula), noveltyLevel?.rawValue ?? "", opt(r?.outcome), opt(r?.steps), opt(r?.energyPerAtom),
                opt(r?.energyAboveHull), opt(r?.rmsd)]
    }
}

/// What to evaluate against; every part is optional and a missing part skips its metrics.
public struct EvaluationInputs {
    public var generated: [NamedStructure]
    /// Novelty references (nil: novelty skipped with `noveltySkipReason`).
    public var novelty: NoveltyChecker?
    public var noveltySkipReason = "no reference set"
    /// Training (or test) set for the CDVAE distribution metrics.
    public var train: [NamedStructure]?
    /// Ground truth paired by position with `generated`, for CSP match rate and RMSE.
    public var groundTruth: [NamedStructure]?
    /// Relaxation and hull (nil: stability metrics skipped with `stabilitySkipReason`).
    public var stability: StabilityEvaluation?
    public var stabilitySkipReason = "relaxation not requested (--relax)"
    /// CDVAE's COV cutoffs (`COV_Cutoffs`) for the dataset the structures resemble.
    public var coverageCutoffs = (name: "mp20", structure: 0.4, composition: 10.0)
    /// Relaxations already done, paired by position with the first generated structures; used
    /// instead of `stability` when given.
    public var relaxations: [RelaxedCandidate]?
    /// Relax only the first this-many generated structures.
    public var relaxLimit: Int?
    /// The verdict rules (MatterGen's convention unless chosen otherwise).
    public var rules = VerdictRules.mattergen
    /// Descriptions of the inputs for the scorecard header.
    public var labels: [String: String] = [:]
    /// Input files that could not be read (listed in the scorecard).
    public var skipped: [SkippedFile] = []

    public init(generated: [NamedStructure]) { self.generated = generated }
}

/// Computes the scorecard (see docs/metrics.md for each metric's definition and source).
public enum Evaluator {
    static let cdvae = "CDVAE (Xie et al. 2022), scripts/compute_metrics.py"
    static let mattergen = "MatterGen (Zeni et al. 2025)"

    public static func evaluate(_ input: EvaluationInputs, log: (String) -> Void = { _ in }) -> (Scorecard, [StructureRecord]) {
        let start = Date()
        let gen = input.generated
        let structures = gen.map(\.structure)
        let n = gen.count
        var metrics: [Metric] = []
        var notes: [String] = []

        log("validity of \(n) structures")
        let validity = WorkQueue.map(n) { i in
            (Validity.isStructurallyValid(structures[i]), Validity.isCompositionallyValid(structures[i].composition))
        }
        let sValid = validity.map(\.0), cValid = validity.map(\.1)
        let valid = zip(sValid, cValid).map { $0 && $1 }
        metrics.append(.rate("validity.structural", "Structural validity (distances ≥ 0.5 Å, volume ≥ 0.1 Å³)",
                             sValid.filter { $0 }.count, of: n, convention: cdvae))
        metrics.append(.rate("validity.compositional", "Compositional validity (SMACT, smact14 states, Pauling test)",
                             cValid.filter { $0 }.count, of: n, convention: cdvae + ", eval_utils.smact_validity"))
        metrics.append(.rate("validity.overall", "Valid (both)", valid.filter { $0 }.count, of: n, convention: cdvae))

        var relaxed = input.relaxations ?? []
        var relaxation = input.relaxations.map { _ in "relaxations given with the structures" }
        if input.relaxations == nil, let stability = input.stability {
            let r = stability.relaxer
            relaxation = "\(r.calculator.name), fmax \(r.fmax), ≤ \(r.maxSteps) steps"
            let subset = Array(gen.prefix(input.relaxLimit ?? n))
            if subset.count < n { notes.append("Relaxation metrics cover the first \(subset.count) of \(n) structures.") }
            log("relaxing \(subset.count) structures")
            let total = subset.count
            relaxed = stability.run(subset) { done in
                if done % 10 == 0 || done == total { FileHandle.standardError.write(Data("  relaxed \(done)/\(total)\n".utf8)) }
            }
        }

        log(input.novelty.map { "uniqueness and novelty against \($0.referenceCount.ordered + $0.referenceCount.disordered) references" }
            ?? "uniqueness")
        let verdicts = Verdicts.assess(
            (0..<n).map { i in
                let r = i < relaxed.count ? relaxed[i] : nil
                return VerdictInput(structure: structures[i], energyPerAtom: r?.energyPerAtom, energyAboveHull: r?.energyAboveHull,
                                    converged: r?.outcome == "converged")
            }, rules: input.rules, novelty: input.novelty)
        let unique = verdicts.map(\.unique)
        metrics.append(.rate("uniqueness", "Unique (pymatgen default StructureMatcher; \(input.rules.representative.label))",
                             unique.filter { $0 }.count, of: n, convention: "DiffCSP / MatterGen"))

        var novel: [Bool]? = nil, novelFormula: [Bool]? = nil
        if let checker = input.novelty {
            let nv = verdicts.map { $0.novel ?? false }
            let nf = structures.map { checker.isNovelFormula($0.composition) }
            novel = nv
            novelFormula = nf
            metrics.append(.rate("novelty.structure", "Novel structures (no reference matches)", nv.filter { $0 }.count, of: n,
                                 convention: mattergen))
            metrics.append(.rate("novelty.formula", "Novel reduced formulas", nf.filter { $0 }.count, of: n, convention: "formula lookup"))
            let un = zip(unique, nv).filter { $0 && $1 }.count
            metrics.append(.rate("novelty.unique_novel", "Unique and novel", un, of: n, convention: mattergen))
        } else {
            for (k, l) in [("novelty.structure", "Novel structures"), ("novelty.formula", "Novel reduced formulas"),
                           ("novelty.unique_novel", "Unique and novel")] {
                metrics.append(.skipped(k, l, input.noveltySkipReason, convention: mattergen))
            }
        }

        if input.train != nil { log("CDVAE distribution metrics and fingerprints") }
        metrics += distributionMetrics(input, structures: structures, valid: valid)
        metrics += reconstructionMetrics(input, structures: structures, valid: valid)

        if let relaxation {
            metrics += stabilityMetrics(relaxed, unique: unique, novel: novel, rules: input.rules, relaxation: relaxation)
        } else {
            for (k, l) in stabilityLabels { metrics.append(.skipped(k, l, input.stabilitySkipReason, convention: mattergen)) }
        }

        let records = (0..<n).map { i in
            StructureRecord(id: gen[i].id, formula: structures[i].composition.reducedFormula, structurallyValid: sValid[i],
                            compositionallyValid: cValid[i], unique: unique[i], stable: i < relaxed.count ? verdicts[i].stable : nil,
                            novel: novel?[i], novelFormula: novelFormula?[i], noveltyLevel: verdicts[i].noveltyLevel,
                            relaxation: i < relaxed.count ? relaxed[i] : nil)
        }
        if !input.skipped.isEmpty {
            notes.append("\(input.skipped.count) unreadable input file(s) were skipped; they are listed below and not counted.")
        }
        let card = Scorecard(inputs: input.labels, structureCount: n, metrics: metrics, notes: notes,
                             skipped: input.skipped, seconds: Date().timeIntervalSince(start))
        return (card, records)
    }

    static let stabilityLabels = [
        ("stability.relaxed", "Relaxations converged (FIRE, fmax, step limit)"),
        ("stability.stable_0", "Stable: E_hull ≤ 0.0 eV/atom"),
        ("stability.stable_0.1", "Metastable: E_hull ≤ 0.1 eV/atom"),
        ("stability.sun_0", "SUN (E_hull ≤ 0.0, unique, novel)"),
        ("stability.sun_0.1", "SUN (E_hull ≤ 0.1, unique, novel)"),
        ("stability.mean_e_hull", "Mean E_hull"),
        ("stability.rmsd", "Mean RMSD generated → relaxed (normalised)"),
    ]

    static func stabilityMetrics(_ r: [RelaxedCandidate], unique: [Bool], novel: [Bool]?, rules: VerdictRules,
                                 relaxation: String) -> [Metric] {
        let n = r.count
        let conv = "\(mattergen); \(relaxation)"
            + (rules.requireConverged ? "; converged relaxations only" : "")
        var out: [Metric] = [.rate("stability.relaxed", stabilityLabels[0].1, r.filter { $0.outcome == "converged" }.count, of: n,
                                   convention: conv)]
        let eh = r.map(\.energyAboveHull)
        func stable(_ i: Int, _ t: Double) -> Bool {
            var at = rules
            at.stabilityThreshold = t
            return at.isStable(energyAboveHull: eh[i], converged: r[i].outcome == "converged")
        }
        for (key, label, t) in [("stability.stable_0", stabilityLabels[1].1, 0.0), ("stability.stable_0.1", stabilityLabels[2].1, 0.1)] {
            out.append(.rate(key, label, (0..<n).filter { stable($0, t) }.count, of: n, convention: conv))
        }
        for (key, label, t) in [("stability.sun_0", stabilityLabels[3].1, 0.0), ("stability.sun_0.1", stabilityLabels[4].1, 0.1)] {
            if let novel {
                let c = (0..<n).filter { stable($0, t) && unique[$0] && novel[$0] }.count
                out.append(.rate(key, label, c, of: n, convention: conv))
            } else {
                out.append(.skipped(key, label, "novelty was not checked", convention: mattergen))
            }
        }
        let known = eh.compactMap { $0 }
        out.append(.value("stability.mean_e_hull", stabilityLabels[5].1, known.isEmpty ? nil : known.reduce(0, +) / Double(known.count),
                          unit: "eV/atom", convention: "bundled MP hull", ifMissing: "no structure has an energy above the hull"))
        let rmsd = r.compactMap(\.rmsd)
        out.append(.value("stability.rmsd", stabilityLabels[6].1 + " over the \(rmsd.count) of \(n) that match", rmsd.isEmpty ? nil : rmsd.reduce(0, +) / Double(rmsd.count),
                          convention: "\(mattergen): StructureMatcher(ltol 0.5, stol 0.5, angle_tol 10, scale False)",
                          ifMissing: "no relaxed structure matched its start"))
        return out
    }

    static func distributionMetrics(_ input: EvaluationInputs, structures: [Structure], valid: [Bool]) -> [Metric] {
        guard let train = input.train else {
            return [
                .skipped("cdvae.wdist_density", "Wasserstein distance of density", "no training/test set (--train)", convention: cdvae),
                .skipped("cdvae.wdist_num_elements", "Wasserstein distance of number of elements", "no training/test set (--train)", convention: cdvae),
                .skipped("cdvae.cov_recall", "COV-R", "no training/test set (--train)", convention: cdvae),
                .skipped("cdvae.cov_precision", "COV-P", "no training/test set (--train)", convention: cdvae),
            ]
        }
        let validStructures = zip(structures, valid).filter { $0.1 }.map(\.0)
        let ref = train.map(\.structure)
        func elementCount(_ s: Structure) -> Double { Double(Set(s.sites.flatMap { $0.occupancy.map(\.species) }).count) }
        return [
            .value("cdvae.wdist_density", "Wasserstein distance of density (valid generated vs train)",
                   wassersteinDistance(validStructures.map(\.density), ref.map(\.density)), unit: "g/cm³", convention: cdvae,
                   ifMissing: "no valid generated structure"),
            .value("cdvae.wdist_num_elements", "Wasserstein distance of number of elements (valid generated vs train)",
                   wassersteinDistance(validStructures.map(elementCount), ref.map(elementCount)), convention: cdvae,
                   ifMissing: "no valid generated structure"),
        ] + coverageMetrics(input, structures: structures, reference: ref)
    }

    /// COV-R, COV-P and the mean nearest-fingerprint distances, as CDVAE's `compute_cov`: every generated
    /// structure whose fingerprints exist takes part, precision counts over all generated structures.
    static func coverageMetrics(_ input: EvaluationInputs, structures: [Structure], reference: [Structure]) -> [Metric] {
        let cut = input.coverageCutoffs
        let conv = cdvae + ", eval_utils.compute_cov; cutoffs \(cut.name): structure \(cut.structure), composition \(cut.composition)"
        let gen = fingerprints(structures), ref = fingerprints(reference)
        let g = gen.compactMap { $0 }, r = ref.compactMap { $0 }
        guard let cov = Coverage(generated: (g.map(\.structure), g.map(\.composition)),
                                 groundTruth: (r.map(\.structure), r.map(\.composition)),
                                 structureCutoff: cut.structure, compositionCutoff: cut.composition,
                                 generatedCount: structures.count) else {
            let why = "no fingerprints: CrystalNN failed on every generated or every reference structure"
            return [.skipped("cdvae.cov_recall", "COV-R", why, convention: conv),
                    .skipped("cdvae.cov_precision", "COV-P", why, convention: conv)]
        }
        func count(_ rate: Double, _ total: Int) -> Int { Int((rate * Double(total)).rounded()) }
        let fpConv = "CrystalNNFingerprint(ops) site mean; Magpie with CDVAE CompScaler"
        var out: [Metric] = [
            .rate("cdvae.cov_recall", "COV-R (reference structures with a generated one within both cutoffs)",
                  count(cov.recall, r.count), of: r.count, convention: conv),
            .rate("cdvae.cov_precision", "COV-P (generated structures within both cutoffs of a reference)",
                  count(cov.precision, structures.count), of: structures.count, convention: conv),
            .value("cdvae.amsd_recall", "AMSD-R (mean structure-fingerprint distance, reference → generated)",
                   cov.structureRecallDistance, convention: fpConv),
            .value("cdvae.amsd_precision", "AMSD-P (generated → reference)", cov.structurePrecisionDistance, convention: fpConv),
            .value("cdvae.amcd_recall", "AMCD-R (mean composition-fingerprint distance, reference → generated)",
                   cov.compositionRecallDistance, convention: fpConv),
            .value("cdvae.amcd_precision", "AMCD-P (generated → reference)", cov.compositionPrecisionDistance, convention: fpConv),
        ]
        let failed = gen.filter { $0 == nil }.count, refFailed = ref.filter { $0 == nil }.count
        if failed + refFailed > 0 {
            out[0].convention += "; CrystalNN failed on \(failed) generated and \(refFailed) reference structures (left out, as CDVAE)"
        }
        return out
    }

    /// Structure (CrystalNNFingerprint site mean) and scaled composition fingerprints; nil where CrystalNN fails.
    static func fingerprints(_ structures: [Structure]) -> [(structure: [Double], composition: [Double])?] {
        WorkQueue.map(structures.count) { i in
            let s = structures[i]
            guard s.isOrdered, let fp = try? CrystalNNFingerprint().structureFingerprint(s) else { return nil }
            return (fp, CompositionFingerprint.scaled(s.composition))
        }
    }

    static func reconstructionMetrics(_ input: EvaluationInputs, structures: [Structure], valid: [Bool]) -> [Metric] {
        let conv = cdvae + ", RecEval: StructureMatcher(stol 0.5, angle_tol 10, ltol 0.3)"
        guard let truth = input.groundTruth else {
            return [.skipped("csp.match_rate", "CSP match rate", "no ground-truth set (--ground-truth)", convention: conv),
                    .skipped("csp.rmse", "CSP RMSE", "no ground-truth set (--ground-truth)", convention: conv)]
        }
        guard truth.count == structures.count else {
            let why = "ground truth has \(truth.count) structures, generated \(structures.count); they must pair up"
            return [.skipped("csp.match_rate", "CSP match rate", why, convention: conv), .skipped("csp.rmse", "CSP RMSE", why, convention: conv)]
        }
        let r = Reconstruction(predictions: structures, groundTruth: truth.map(\.structure), valid: valid)
        return [.rate("csp.match_rate", "CSP match rate", r.matched, of: r.total, convention: conv),
                .value("csp.rmse", "CSP RMSE (mean normalised rms of matches)", r.meanRMS, convention: conv, ifMissing: "no pair matched")]
    }
}
