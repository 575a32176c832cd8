import Crystal
import Dynamics
import Foundation
import KilnSupport
import Properties

/// `[constraints] thermally_robust = true`: the thermal-robustness verdict (Dynamics.ThermalRobustness
/// with the campaign's potential: anneal at `thermal_temperature` K for `thermal_time` ps, quench,
/// compare) of the unique converged candidates with E_hull ≤ the stability threshold that passed
/// the phonon check when it is asked for too. Each result is stored as it finishes (verdict and
/// numbers in `properties`), so a killed run repeats none; a change of temperature or time computes
/// them again.
extension CampaignRunner {
    static let thermalVerdictKey = "thermal_verdict"
    static let thermalKeys = (temperature: "thermal_temperature", time: "thermal_time", lindemann: "thermal_lindemann",
                              msd: "thermal_msd", growth: "thermal_msd_growth", order: "thermal_rdf_order")
    static let thermalVerdicts: [ThermalRobustness.Verdict] = [.robust, .transformed, .amorphised, .melted]

    /// The stored verdict of `r` at the spec's temperature and time, or nil.
    func thermalVerdict(_ r: CandidateRecord) -> ThermalRobustness.Verdict? {
        let p = r.properties ?? [:], c = spec.constraints
        guard let code = p[Self.thermalVerdictKey]?.mean, p[Self.thermalKeys.temperature]?.mean == c.thermalTemperature,
              p[Self.thermalKeys.time]?.mean == c.thermalTime, Self.thermalVerdicts.indices.contains(Int(code)) else { return nil }
        return Self.thermalVerdicts[Int(code)]
    }

    func thermalStage(_ all: inout [CandidateRecord], relaxed: [Int], structures: [Structure], store: KnowledgeStore) throws {
        let c = spec.constraints
        let due = relaxed.enumerated().filter { _, i in
            all[i].isUnique == true && (all[i].energyAboveHull ?? .infinity) <= spec.stabilityThreshold && all[i].relaxOutcome == "converged"
                && !(c.dynamicallyStable && dynamicStabilityViolation(all[i]) != nil)
                && thermalVerdict(all[i]) == nil && all[i].propertyErrors?[Self.thermalVerdictKey] == nil
        }
        guard !due.isEmpty else { return }
        log("thermal robustness of \(due.count) candidates (\(c.thermalTemperature) K, \(c.thermalTime) ps)")
        var assessor = ThermalRobustness(calculator: potential.calculator)
        (assessor.temperature, assessor.time) = (c.thermalTemperature, c.thermalTime)
        try storeEach(&all, due: due, errorKey: Self.thermalVerdictKey, what: "thermal robustness", store: store) { k, _, values in
            let r = try assessor.assess(structures[k])
            let code = Double(Self.thermalVerdicts.firstIndex(of: r.verdict)!)
            let keys = Self.thermalKeys
            values[Self.thermalVerdictKey] = PropertyValue(mean: code, sigma: 0, unit: "0 robust, 1 transformed, 2 amorphised, 3 melted")
            values[keys.temperature] = PropertyValue(mean: c.thermalTemperature, sigma: 0, unit: "K")
            values[keys.time] = PropertyValue(mean: c.thermalTime, sigma: 0, unit: "ps")
            values[keys.lindemann] = PropertyValue(mean: r.lindemann, sigma: 0, unit: "")
            values[keys.msd] = PropertyValue(mean: r.msd, sigma: 0, unit: "Å²")
            values[keys.growth] = PropertyValue(mean: r.msdGrowth, sigma: 0, unit: "")
            values[keys.order] = PropertyValue(mean: r.orderRatio, sigma: 0, unit: "")
        }
    }

    /// Why a candidate fails `thermally_robust`, or nil when it passes.
    func thermalRobustnessViolation(_ r: CandidateRecord) -> String? {
        if let v = thermalVerdict(r) {
            return v == .robust ? nil : "thermally \(v.rawValue) at \(spec.constraints.thermalTemperature) K"
        }
        return "thermal robustness unknown: " + (r.propertyErrors?[Self.thermalVerdictKey]
            ?? "computed only for converged unique candidates with E_hull ≤ \(spec.stabilityThreshold) eV/atom (and dynamically stable when required)")
    }

    /// The report's line for a candidate's thermal robustness, or nil when none was computed.
    static func thermalFact(_ r: CandidateRecord, potential: String) -> String? {
        let p = r.properties ?? [:], k = thermalKeys
        if let code = p[thermalVerdictKey]?.mean, thermalVerdicts.indices.contains(Int(code)), let t = p[k.temperature]?.mean, let time = p[k.time]?.mean {
            return String(format: "%@ after %.0f K for %g ps (%@, Langevin anneal and quench): MSD %.3f Å² (×%.2f over the second half), Lindemann ratio %.3f, g(r) long-range order kept %.2f",
                          thermalVerdicts[Int(code)].rawValue, t, time, potential, p[k.msd]?.mean ?? .nan, p[k.growth]?.mean ?? .nan,
                          p[k.lindemann]?.mean ?? .nan, p[k.order]?.mean ?? .nan)
        }
        return r.propertyErrors?[thermalVerdictKey]
    }
}
