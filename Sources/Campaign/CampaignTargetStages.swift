import Crystal
import Foundation
import KilnSupport
import Properties

/// The `[targets]` stages of a campaign (docs/campaign.md, "Targets"): the screen before
/// relaxation, the properties of relaxed candidates, the elastic moduli of the stable ones, and
/// each candidate's target probabilities.
extension CampaignRunner {
    /// The predictors of this run: `targetPredictors`, else the standard ones; nil without targets.
    func resolvedPredictors() throws -> TargetPredictors? {
        if spec.targets.isEmpty { return nil }
        return try targetPredictors ?? .standard(for: spec.targets.map(\.property), calculator: potential.calculator)
    }

    /// The "constraint" targets known before relaxation (composition and learned ones).
    var screeningTargets: [CampaignSpec.Target] {
        spec.targets.filter { $0.use == .constraint && ($0.property.stage == .composition || $0.property.stage == .learned) }
    }

    /// What of the targets changes the work done (the screen), for the campaign fingerprint.
    func targetFingerprint(_ predictors: TargetPredictors?) -> String? {
        let screen = screeningTargets
        guard !screen.isEmpty else { return nil }
        return "target screen p ≥ \(spec.minTargetProbability): " + screen.map { t in
            "\(t.property.rawValue) [\(t.min.map { "\($0)" } ?? "")…\(t.max.map { "\($0)" } ?? "")]"
                + (predictors?.screening[t.property].map { " by \($0.name)" } ?? "")
        }.joined(separator: ", ")
    }

    /// Predicts the screening properties of pending candidates once (stored), and marks those whose
    /// probability of meeting a "constraint" target is below `min_probability` as screened out.
    func screenTargets(_ store: KnowledgeStore, _ predictors: TargetPredictors) throws {
        let targets = spec.targets.filter { $0.property.stage == .composition || $0.property.stage == .learned }
        guard !targets.isEmpty else { return }
        let waiting = try store.candidates(status: .generated).filter { $0.screeningProperties == nil }
        guard !waiting.isEmpty else { return }
        var pending = try WorkQueue.map(waiting.count, workers: workers) { k in
            var r = waiting[k]
            let s = try r.structure()
            var values: [String: PropertyValue] = [:]
            var errors = r.propertyErrors ?? [:]
            for t in targets {
                do { values[t.property.rawValue] = try Self.value(t.property, of: s, by: predictors.screening) } catch {
                    errors[t.property.rawValue + " before relaxation"] = ErrorText.describe(error)
                }
            }
            r.screeningProperties = values
            r.propertyErrors = errors.isEmpty ? nil : errors
            return r
        }
        for k in pending.indices {
            let unlikely = screeningTargets.compactMap { t -> String? in
                guard let v = pending[k].screeningProperties?[t.property.rawValue] else { return nil }
                let p = t.probability(v)
                return p < spec.minTargetProbability
                    ? String(format: "%@ %@ (P = %.3g < %.3g)", t.property.rawValue, t.window, p, spec.minTargetProbability) : nil
            }
            if !unlikely.isEmpty {
                pending[k].status = .screenedOut
                pending[k].error = "screened out before relaxation: " + unlikely.joined(separator: "; ") + " unlikely"
            }
        }
        try store.update(pending)
    }

    /// Fills the missing final properties of the relaxed candidates: composition, learned (on the
    /// relaxed structure) and structural ones in memory (saved with the scores), then the elastic
    /// moduli of the unique candidates with E_hull ≤ the stability threshold, each stored as it
    /// finishes so a killed run does not repeat it.
    func finalProperties(_ all: inout [CandidateRecord], relaxed: [Int], structures: [Structure],
                         store: KnowledgeStore, predictors: TargetPredictors) throws {
        let cheap = spec.targets.map(\.property).filter { $0.stage != .elastic }
        for (k, i) in relaxed.enumerated() {
            var values = all[i].properties ?? [:], errors = all[i].propertyErrors ?? [:]
            var explanations = all[i].explanations ?? [:]
            for p in cheap where values[p.rawValue] == nil && errors[p.rawValue] == nil {
                do {
                    if p.stage == .relaxed {
                        guard let m = all[i].magneticMoments else { throw PropertyError.undefined("no magnetic moments stored") }
                        let summary = MagneticSummary(structure: structures[k], magmoms: m)
                        let mean = [TargetProperty.magneticDensity: summary.magneticDensity, .density: summary.density,
                                    .volumePerAtom: summary.volumePerAtom][p]!
                        values[p.rawValue] = PropertyValue(mean: mean, unit: p.unit)
                    } else if let learned = predictors.final[p] as? LearnedPropertyPredictor {
                        // The explanation is an extra: a model file without node covers has none.
                        let out = try learned.predict(structures[k], explained: true)
                        values[p.rawValue] = out.value
                        if case .success(var e)? = out.explanation {
                            e.contributions = Array(e.contributions.prefix(5))
                            explanations[p.rawValue] = e
                        }
                    } else {
                        values[p.rawValue] = try Self.value(p, of: structures[k], by: predictors.final)
                    }
                } catch { errors[p.rawValue] = ErrorText.describe(error) }
            }
            all[i].properties = values.isEmpty ? nil : values
            all[i].propertyErrors = errors.isEmpty ? nil : errors
            all[i].explanations = explanations.isEmpty ? nil : explanations
        }
        let elastic = spec.targets.map(\.property).filter { $0.stage == .elastic }
        guard !elastic.isEmpty else { return }
        let due = relaxed.enumerated().filter { _, i in
            all[i].isUnique == true && (all[i].energyAboveHull ?? .infinity) <= spec.stabilityThreshold
                && all[i].properties?[TargetProperty.bulkModulus.rawValue] == nil
                && all[i].propertyErrors?[TargetProperty.bulkModulus.rawValue] == nil
        }
        if !due.isEmpty { log("elastic tensors of \(due.count) stable unique candidates") }
        for (n, (k, i)) in due.enumerated() {
            var values = all[i].properties ?? [:], errors = all[i].propertyErrors ?? [:]
            do {
                let m = try predictors.moduli(structures[k])
                values[TargetProperty.bulkModulus.rawValue] = m.bulk
                values[TargetProperty.shearModulus.rawValue] = m.shear
            } catch {
                for p in [TargetProperty.bulkModulus, .shearModulus] { errors[p.rawValue] = "elastic tensor: " + ErrorText.describe(error) }
            }
            all[i].properties = values.isEmpty ? nil : values
            all[i].propertyErrors = errors.isEmpty ? nil : errors
            try store.update(all[i])
            log("elastic tensor \(n + 1)/\(due.count): \(all[i].formula) (\(all[i].id))")
        }
    }

    /// Each target's probability for a scored candidate, the product in `targetProbability`, and
    /// the failed "constraint" targets and missing values as reasons not to rank it.
    func evaluateTargets(_ r: inout CandidateRecord) -> [String] {
        var reasons: [String] = []
        var product = 1.0
        for t in spec.targets {
            let key = t.property.rawValue
            // A measured value (lab outcome) stands in for the prediction.
            guard let v = r.measuredProperties?[key] ?? r.properties?[key] else {
                product = 0
                reasons.append("\(key) unknown: " + (r.propertyErrors?[key]
                    ?? (t.property.stage == .elastic ? "computed only for unique candidates with E_hull ≤ \(spec.stabilityThreshold) eV/atom" : "not computed")))
                continue
            }
            product *= t.probability(v)
            if t.use == .constraint && !t.contains(v.mean) { reasons.append("\(key) outside \(t.window)") }
        }
        r.targetProbability = product
        return reasons
    }

    /// A composition or learned property of `structure`.
    static func value(_ p: TargetProperty, of structure: Structure,
                      by predictors: [TargetProperty: any PropertyPredictor]) throws -> PropertyValue {
        switch p {
        case .hhi: return PropertyValue(mean: TargetProperty.hhi(structure.composition), sigma: 0, unit: p.unit)
        case .abundance: return PropertyValue(mean: TargetProperty.abundance(structure.composition), sigma: 0, unit: p.unit)
        default:
            guard let predictor = predictors[p] else { throw PropertyError.undefined("no predictor for \(p.rawValue)") }
            return try predictor.predict(structure)
        }
    }
}

extension CampaignSpec.Target {
    /// This target as a minimised ranking objective: the distance outside the window ("objective"),
    /// else 1 − P(met); nil when the candidate has no value.
    func objectiveValue(_ r: CandidateRecord) -> Double? {
        guard let v = r.properties?[property.rawValue] else { return nil }
        return use == .objective ? distance(v.mean) : 1 - probability(v)
    }
}
