import Crystal
import Foundation
import Thermo

/// What `kiln hull` prints: per-entry results plus the reference's provenance.
struct HullReport {
    let reference: [String: Any]
    let scale: String
    let corrections: String
    let results: [HullResult]
    let compat: MP2020Compatibility?

    func json() -> String {
        let entries: [[String: Any]] = results.map { r in
            var d: [String: Any] = [
                "id": r.entry.id,
                "formula": r.entry.composition.formula,
                "reduced_formula": r.entry.composition.reducedFormula,
                "formation_energy_per_atom": r.formationEnergyPerAtom,
                "e_above_hull": r.energyAboveHull,
                "is_stable": r.isStable,
                "decomposition": r.decomposition.map {
                    ["id": $0.entry.id, "formula": $0.entry.composition.reducedFormula, "fraction": $0.fraction] as [String: Any]
                },
            ]
            if let p = r.phaseSeparationEnergy { d["decomposition_energy"] = p }
            if let c = compat {
                d["corrections"] = c.adjustments(for: r.entry.composition).map {
                    ["name": $0.name, "eV_per_atom_of_species": $0.perAtom, "atoms": $0.atoms, "eV": $0.energy] as [String: Any]
                }
            }
            if !r.entry.attributes.isEmpty { d["attributes"] = r.entry.attributes }
            return d
        }
        let root: [String: Any] = ["reference": reference, "energy_scale": scale, "corrections": corrections,
                                   "entries": entries]
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    func table() -> String {
        var s = "reference: \(reference["name"] ?? "?")"
        if let n = reference["n_entries"] { s += " (\(n) entries, \(reference["license"] ?? ""); cite Jain et al. 2013)" }
        s += "\nenergy scale: \(scale); corrections: \(corrections)\n"
        s += pad("id", 14) + pad("formula", 16) + pad("E_form", 10) + pad("E_hull", 10) + pad("stable", 8) + "decomposition\n"
        for r in results {
            let dec = r.decomposition.map { "\($0.entry.composition.reducedFormula) \(String(format: "%.3f", $0.fraction))" }
                .joined(separator: " + ")
            var line = pad(r.entry.id, 14) + pad(r.entry.composition.reducedFormula, 16)
            line += pad(String(format: "%.4f", r.formationEnergyPerAtom), 10) + pad(String(format: "%.4f", r.energyAboveHull), 10)
            line += pad(r.isStable ? "yes" : "no", 8) + dec
            if let p = r.phaseSeparationEnergy { line += String(format: "  (ΔE_d %.4f)", p) }
            s += line + "\n"
        }
        return s
    }

    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}
