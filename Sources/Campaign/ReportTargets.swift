import Foundation
import Properties

/// The report's `[targets]` parts: the targets table and each candidate's properties with ±σ.
extension CampaignReport {
    func targetsSection() -> String {
        let ranked = records.filter { $0.rank != nil }
        var h = "<h2 id=\"targets\">Targets</h2><table><thead><tr><th>property</th><th>window</th><th>use</th><th>computed</th>"
            + "<th>ranked candidates meeting it (mean in window)</th><th>mean P over ranked candidates</th></tr></thead>"
        for t in spec.targets {
            let values = ranked.compactMap { $0.properties?[t.property.rawValue] }
            let met = values.filter { t.contains($0.mean) }.count
            let meanP = values.isEmpty ? "–" : String(format: "%.2f", values.map(t.probability).reduce(0, +) / Double(values.count))
            h += "<tr><td>\(esc(t.property.rawValue))</td><td>\(esc(t.window))</td><td>\(esc(t.use.rawValue))</td>"
                + "<td>\(esc(whereComputed(t.property)))</td><td class=\"num\">\(met) of \(ranked.count)</td><td class=\"num\">\(meanP)</td></tr>"
        }
        h += "</table><p class=\"muted\">P(targets) is the product of the per-target probabilities P(min ≤ X ≤ max), X ~ Normal(mean, σ) of "
            + "the predictor (is_metal: Bernoulli(probability of metal); exact properties: 0 or 1), assuming the targets independent. "
            + "A candidate is ranked only when each constraint target's window holds its final mean; before relaxation one with P below "
            + "\(spec.minTargetProbability) for a constraint target is screened out (\(records.filter { $0.status == .screenedOut }.count) were).</p>"
        return h
    }

    func whereComputed(_ p: TargetProperty) -> String {
        switch p.stage {
        case .composition: "from the composition, before relaxation"
        case .learned: "learned model, before relaxation (screen) and on the relaxed structure"
        case .relaxed: "relaxed structure and its magnetic moments"
        case .elastic: "elastic tensor, unique candidates with E_hull ≤ \(spec.stabilityThreshold) eV/atom only"
        }
    }

    /// Fact rows: each targeted property (mean ± σ) with the target's window and probability.
    func targetFacts(_ r: CandidateRecord) -> [(String, String)] {
        var rows = spec.targets.map { t -> (String, String) in
            let key = t.property.rawValue
            guard let v = r.properties?[key] else {
                return (key, "<span class=\"muted\">\(esc(r.propertyErrors?[key] ?? "not computed"))</span>")
            }
            let p = t.probability(v)
            let before = r.screeningProperties?[key].map { " <span class=\"muted\">(before relaxation \(esc(Self.format($0))))</span>" } ?? ""
            let why = r.explanations?[key].map { "<br><span class=\"muted\">why (TreeSHAP, \(esc($0.unit))): base \(String(format: "%.3g", $0.base)); "
                + $0.contributions.map { c in esc(String(format: "%+.3f ", c.contribution) + "\(c.feature) = " + String(format: "%.4g", c.value)) }
                    .joined(separator: "; ") + "</span>" } ?? ""
            return (key, esc(Self.format(v)) + before + " · target \(esc(t.window)), \(esc(t.use.rawValue)): "
                    + (t.contains(v.mean) ? "met" : "not met") + String(format: ", P = %.2f", p) + why)
        }
        if let p = r.targetProbability { rows.append(("P(all targets)", String(format: "%.3f", p) + " <span class=\"muted\">(product, independence assumed)</span>")) }
        return rows
    }

    /// "1.234 ± 0.321 eV" (σ shown when known and non-zero).
    static func format(_ v: PropertyValue) -> String {
        let digits = abs(v.mean) >= 100 ? "%.1f" : "%.3f"
        let sigma = v.sigma.flatMap { $0 > 0 ? String(format: " ± " + digits, $0) : nil } ?? ""
        return String(format: digits, v.mean) + sigma + " " + v.unit
    }

}
