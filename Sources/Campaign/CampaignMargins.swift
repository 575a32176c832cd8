import Crystal
import Evaluation
import Foundation
import Potentials
import Thermo

/// The stability margins a campaign scores with: measured per target system (stored in the
/// knowledge store, so a resumed run does not measure again) or one fixed value.
public struct CampaignMargins: Sendable {
    public var setting: CampaignSpec.MarginSetting
    /// One per target system when measured; empty when fixed.
    public var measured: [StabilityMargin]

    /// The margin for a candidate made of `elements`: the largest over the measured systems that
    /// contain them (all systems when none does), or the fixed value.
    public func margin(for elements: Set<Element>) -> Double {
        switch setting {
        case .fixed(let m): return m
        case .measured:
            let symbols = Set(elements.map(\.symbol))
            let containing = measured.filter { symbols.isSubset(of: $0.system.split(separator: "-").map(String.init)) }
            return (containing.isEmpty ? measured : containing).map(\.margin).max() ?? 0
        }
    }

    /// One line for reports: the setting and each system's numbers.
    public var description: String {
        switch setting {
        case .fixed(let m):
            return m == 0 ? "Stability margin: off (0 eV/atom)" : "Stability margin: \(m) eV/atom (fixed in the campaign file)"
        case .measured:
            let parts = measured.map { m -> String in
                guard let median = m.median, let lo = m.min, let hi = m.max else {
                    return "\(m.system): no MP hull compound measured, margin 0"
                }
                return String(format: "%@: margin %.3f eV/atom (median offset %.3f, min %.3f, max %.3f over %d MP hull compounds ≤ %d atoms)",
                              m.system, m.margin, median, lo, hi, m.count, m.maxAtoms)
            }
            return "Stability margin (the potential's offset from the MP hull on known hull compounds, docs/metrics.md): "
                + parts.joined(separator: "; ")
        }
    }
}

extension CampaignRunner {
    /// The campaign's margins: for `.measured`, each target system's stored measurement, or a new
    /// one (relaxing its MP hull compounds with the campaign's calculator and relax settings),
    /// stored at once; none (0) on the mlip hull reference.
    func stabilityMargins(_ store: KnowledgeStore, hull: HullService) throws -> CampaignMargins {
        guard case .measured = spec.stabilityMargin else { return CampaignMargins(setting: spec.stabilityMargin, measured: []) }
        // On the mlip reference the known phases stand on the potential's own scale: no offset to measure.
        guard spec.hullReference == .materialsProject else { return CampaignMargins(setting: .fixed(0), measured: []) }
        var relaxer = Relaxer(calculator: potential.calculator)
        relaxer.fmax = spec.fmax
        relaxer.maxSteps = spec.relaxSteps
        var measurer = MarginMeasurer(relaxer: relaxer)
        measurer.workers = workers
        var out: [StabilityMargin] = []
        for system in spec.chemicalSystems {
            let els = system.filter(spec.elements.contains)
            let key = "stability_margin:" + StabilityMargin.name(els)
            if let text = try store.meta(key), let m = try? JSONDecoder().decode(StabilityMargin.self, from: Data(text.utf8)) {
                out.append(m)
                continue
            }
            log("stability margin: relaxing the MP hull compounds of \(StabilityMargin.name(els))")
            let m = try measurer.measure(system: els, hull: hull)
            try store.setMeta(key, String(decoding: try JSONEncoder().encode(m), as: UTF8.self))
            out.append(m)
        }
        return CampaignMargins(setting: .measured, measured: out)
    }
}
