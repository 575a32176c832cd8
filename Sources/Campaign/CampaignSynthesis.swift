import Crystal
import Foundation
import KilnSupport
import Properties
import Synthesis

/// The synthesis evidence of a campaign's candidates: the learned synthesizability score of every
/// converged unique candidate (stored in `properties`; `[constraints] synthesizable = true` needs it
/// at or above the model's threshold), and, for the report's top candidates, oxidation states, bond
/// valence and the best precursor routes on the MP hull.
extension CampaignRunner {
    static let synthesizabilityKey = "synthesizability"
    /// Ranked candidates whose report entry lists precursor routes, and how many routes each.
    static let routedCandidates = 10, routesShown = 3

    /// Scores the converged unique candidates that have no score yet; cheap (composition features
    /// and trees), so after the verdicts and before the constraints.
    func synthesizabilityStage(_ all: inout [CandidateRecord], relaxed: [Int], structures: [Structure], store: KnowledgeStore) throws {
        let due = relaxed.enumerated().filter { _, i in
            all[i].isUnique == true && all[i].relaxOutcome == "converged"
                && all[i].properties?[Self.synthesizabilityKey] == nil && all[i].propertyErrors?[Self.synthesizabilityKey] == nil
        }
        guard !due.isEmpty else { return }
        let model = try SynthesizabilityModel.shipped()
        try storeEach(&all, due: due, errorKey: Self.synthesizabilityKey, what: "synthesizability", progress: false, store: store) { k, _, values in
            values[Self.synthesizabilityKey] = PropertyValue(mean: try model.score(structures[k].composition).score, unit: "score")
        }
    }

    /// Why a candidate fails `synthesizable`, or nil when it passes.
    func synthesizabilityViolation(_ r: CandidateRecord) throws -> String? {
        let threshold = try SynthesizabilityModel.shipped().threshold
        if let v = r.properties?[Self.synthesizabilityKey] {
            return v.mean < threshold ? String(format: "not synthesizable (learned score %.2f < %.2f)", v.mean, threshold) : nil
        }
        return "synthesizability unknown: " + (r.propertyErrors?[Self.synthesizabilityKey]
            ?? "scored only for converged unique candidates")
    }

    /// The report's synthesis evidence for the top ranked candidates: the full score (with bond
    /// valence on the relaxed structure) and the best routes from the bundled precursors, the
    /// candidate at its formation energy on the MP scale (routes need it; other hull references
    /// give none).
    func synthesisEvidence(_ records: [CandidateRecord]) -> [String: SynthesisEvidence] {
        let top = records.filter { ($0.rank ?? .max) <= Self.routedCandidates }
        guard !top.isEmpty else { return [:] }
        let model = Result { try SynthesizabilityModel.shipped() }
        let routes = Result { try PrecursorRoutes() }
        var evidence: [String: SynthesisEvidence] = [:]
        for r in top {
            guard let structure = try? r.structure(relaxed: r.relaxedStructure != nil) else { continue }
            let score = Result { try model.get().score(structure) }
            let energy = spec.hullReference == .materialsProject ? r.formationEnergyPerAtom : nil
            let best = Result { () throws -> [PrecursorRoute] in
                guard let energy else {
                    throw SynthesisError("precursor routes need the candidate's formation energy on the MP scale (hull reference \(spec.hullReference.rawValue))")
                }
                return try routes.get().top(for: structure.composition, formationEnergyPerAtom: energy, count: Self.routesShown)
            }
            evidence[r.id] = SynthesisEvidence(score: score, routes: best, temperature: (try? routes.get().temperature) ?? PrecursorRoutes.defaultTemperature)
        }
        return evidence
    }
}

/// What the report shows of a candidate's synthesis: its synthesizability score and its best
/// precursor routes, or why either is missing.
public struct SynthesisEvidence: Sendable {
    public var score: Result<SynthesizabilityScore, any Error>
    public var routes: Result<[PrecursorRoute], any Error>
    /// Temperature (K) of the routes' gas terms.
    public var temperature: Double
}
