import Crystal
import Evaluation
import Foundation
import KilnSupport
import Potentials
import Thermo

/// One model's judgement of a relaxed candidate (`[relax] committee`, docs/campaign.md).
public struct CommitteeJudgement: Codable, Sendable, Equatable {
    /// The model's name (`LoadedPotential.name`).
    public var model: String
    /// Its energy per atom of the relaxed structure (eV/atom, before any correction): the relaxing
    /// model's final energy, a single point for the others.
    public var energyPerAtom: Double?
    /// Why its single point failed (kept, so it is not retried).
    public var error: String?
    /// E_hull on its own energy scale, against the reference joined by the candidates (eV/atom).
    public var energyAboveHull: Double?
    /// The campaign's stability verdict (`VerdictRules`) on that E_hull.
    public var stability: StabilityLevel?

    public init(model: String, energyPerAtom: Double? = nil, error: String? = nil) {
        self.model = model
        self.energyPerAtom = energyPerAtom
        self.error = error
    }
}

extension CandidateRecord {
    /// The judgement of the model named `model`, when stored.
    public func judgement(_ model: String) -> CommitteeJudgement? { committee?.first { $0.model == model } }

    /// Every model of the committee finds it stable; nil without a committee.
    public var committeeStable: Bool? { committee.map { $0.allSatisfy { $0.stability == .stable } } }

    /// The models disagree on "stable" (one without a verdict counts as not stable); nil without a committee.
    public var verdictDependsOnModel: Bool? { committee.map { Set($0.map { $0.stability == .stable }).count > 1 } }

    /// Stable by the relaxing model alone, whatever the committee says.
    public var stableByModel: Bool? { committee?.first.map { $0.stability == .stable } ?? isStable }
}

extension CampaignRunner {
    /// A single point of each committee model on every relaxed candidate it has not judged yet,
    /// stored as it lands (resumable).
    func committeeSinglePoints(_ store: KnowledgeStore, saveElapsed: () throws -> Void) throws {
        let todo = try store.candidates(status: .relaxed).filter { r in committee.contains { r.judgement($0.name) == nil } }
        guard !todo.isEmpty else { return }
        log("committee: single points of \(todo.count) relaxed candidates with \(committee.map(\.label).joined(separator: ", "))")
        try WorkQueue.forEach(todo.count, workers: workers) { k in
            var r = todo[k]
            let s = try r.structure(relaxed: true)
            var judged = r.committee ?? []
            for member in committee where r.judgement(member.name) == nil {
                var j = CommitteeJudgement(model: member.name)
                do {
                    let e = try member.calculator.calculate(s, properties: .energy).energy / Double(s.count)
                    if e.isFinite { j.energyPerAtom = e } else { j.error = "non-finite energy" }
                } catch {
                    j.error = ErrorText.describe(error)
                }
                judged.append(j)
            }
            r.committee = judged
            try store.update(r)
            try saveElapsed()
        }
    }

    /// Each committee model's E_hull of the relaxed candidates (`structures`, records `all[relaxed]`),
    /// nil where it has no energy: its energies joined to the reference with the MP2020 treatment
    /// that model needs, so the candidates lower the hull for each other as they do for the
    /// relaxing model. `hull` is the relaxing model's.
    func committeeEnergiesAboveHull(_ all: [CandidateRecord], relaxed: [Int], structures: [Structure],
                                    hull: HullService) throws -> [[Double?]] {
        try committee.map { member in
            let memberHull = member.mp2020Corrections == potential.mp2020Corrections ? hull
                : try HullService(corrections: .init(member), elements: spec.elements, hiddenFormulas: hiddenFormulas)
            var entries: [ThermoEntry] = [], placed: [Int] = []
            for (k, i) in relaxed.enumerated() {
                guard let e = all[i].judgement(member.name)?.energyPerAtom else { continue }
                let c = structures[k].composition
                entries.append(try memberHull.entry(c, energy: e * c.numAtoms, id: all[i].id))
                placed.append(k)
            }
            var out = [Double?](repeating: nil, count: relaxed.count)
            guard !entries.isEmpty else { return out }
            let results = try memberHull.join(entries, phaseSeparation: false).results
            for (n, k) in placed.enumerated() { out[k] = max(0, results[n].energyAboveHull) }
            return out
        }
    }

    /// A model and how its energies meet MP's hull, for the report's provenance.
    static func energyScale(_ p: LoadedPotential) -> String {
        p.label + (p.mp2020Corrections ? " with MP2020 corrections" : ", already on MP2020's scale")
    }

    /// The committee's judgements of one relaxed candidate, the relaxing model first, by the
    /// campaign's one stability rule (its threshold, the candidate's margin, the convergence rule),
    /// and their E_hull spread; nil without a committee.
    func judgements(_ r: CandidateRecord, level: StabilityLevel, memberEHulls: [Double?], margin: Double)
        -> (judgements: [CommitteeJudgement], spread: Double?)? {
        guard !committee.isEmpty else { return nil }
        var main = CommitteeJudgement(model: potential.name, energyPerAtom: r.finalEnergyPerAtom)
        main.energyAboveHull = r.energyAboveHull
        main.stability = level
        var out = [main]
        for (member, eHull) in zip(committee, memberEHulls) {
            var j = r.judgement(member.name) ?? CommitteeJudgement(model: member.name)
            j.energyAboveHull = eHull
            j.stability = eHull.map {
                spec.verdicts.stabilityLevel(energyAboveHull: $0, converged: r.relaxOutcome == "converged", margin: margin)
            }
            out.append(j)
        }
        let values = out.compactMap(\.energyAboveHull)
        return (out, values.count > 1 ? values.max()! - values.min()! : nil)
    }
}
