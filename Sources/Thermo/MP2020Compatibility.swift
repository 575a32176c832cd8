import Crystal
import Foundation

/// The Materials Project 2020 energy-correction scheme (pymatgen's
/// `MaterialsProject2020Compatibility`) for composition-only entries; see docs/thermo.md.
///
/// Applied, each as (eV/atom of the species) × (atoms of it in the formula), to compounds only:
/// * oxygen: the oxide correction, or peroxide/superoxide/ozonide when the reduced formula is one of
///   pymatgen's listed ones (Li2O2, NaO2, KO3, …) or `oxideType` says so;
/// * sulfur: the sulfide correction whenever S is present (pymatgen's default without a structure);
/// * Br, I, Se, Si, Sb, Te, H, N, F, Cl: the anion correction when the element's oxidation state
///   (if given) is −1 or lower, else when it is the most electronegative element of the compound
///   (pymatgen's fallback when it cannot guess oxidation states; Kiln does not guess them, so e.g. N
///   in NH4Cl is corrected only if oxidation states are passed);
/// * GGA+U mixing: when the most electronegative element is O or F, the correction of each of V, Cr,
///   Mn, Fe, Co, Ni, Mo, W present (the energy is assumed to come from a GGA+U calculation with MP's
///   U values, as MP's and CHGNet's do).
public struct MP2020Compatibility: Sendable {
    /// One correction term.
    public struct Adjustment: Sendable, Equatable {
        public let name: String
        /// eV per atom of the corrected species.
        public let perAtom: Double
        /// Number of atoms of that species in the formula.
        public let atoms: Double
        /// Energy added to the total (eV).
        public var energy: Double { perAtom * atoms }
    }

    public enum OxideType: String, Sendable, CaseIterable {
        case oxide, peroxide, superoxide, ozonide
    }

    let composition: [String: Double]
    let gguaMixing: [String: [String: Double]]

    /// The bundled parameters (pymatgen's MP2020Compatibility.yaml).
    public static func bundled() throws -> MP2020Compatibility {
        guard let url = Bundle.module.url(forResource: "mp2020_compatibility", withExtension: "json"),
              let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
              let corr = obj["corrections"] as? [String: Any],
              let comp = corr["CompositionCorrections"] as? [String: Double],
              let u = corr["GGAUMixingCorrections"] as? [String: [String: Double]]
        else { throw ThermoError.invalidInput("bundled MP2020 correction parameters are missing") }
        return MP2020Compatibility(composition: comp, gguaMixing: u)
    }

    static let peroxides: Set = ["Li2O2", "Na2O2", "K2O2", "Cs2O2", "Rb2O2", "BeO2", "MgO2", "CaO2", "SrO2", "BaO2"]
    static let superoxides: Set = ["LiO2", "NaO2", "KO2", "RbO2", "CsO2"]
    static let ozonides: Set = ["LiO3", "NaO3", "KO3", "NaO5"]
    static let anions = ["Br", "I", "Se", "Si", "Sb", "Te", "H", "N", "F", "Cl"]

    /// The correction terms for a composition.
    public func adjustments(for c: Composition, oxideType: OxideType? = nil,
                            oxidationStates: [Element: Double]? = nil) -> [Adjustment] {
        let present = c.items.filter { $0.1 > Composition.amountTolerance }
        guard present.count > 1 else { return [] }
        let amount = Dictionary(present.map { ($0.0.symbol, $0.1) }, uniquingKeysWith: +)
        let mostElectronegative = present.map(\.0)
            .max { ($0.electronegativity ?? .infinity) < ($1.electronegativity ?? .infinity) }!.symbol
        var out: [Adjustment] = []
        if let n = amount["S"], let v = composition["S"] {
            out.append(Adjustment(name: "MP2020 anion correction (S)", perAtom: v, atoms: n))
        }
        if let n = amount["O"] {
            let type = oxideType ?? Self.oxideType(reducedFormula: c.reducedFormula)
            out.append(Adjustment(name: "MP2020 anion correction (\(type.rawValue))",
                                  perAtom: composition[type.rawValue] ?? 0, atoms: n))
        }
        for a in Self.anions {
            guard let n = amount[a], let v = composition[a] else { continue }
            let isAnion: Bool
            if let ox = oxidationStates, let el = try? Element(a) {
                isAnion = (ox[el] ?? 0) <= -1
            } else {
                isAnion = a == mostElectronegative
            }
            if isAnion {
                out.append(Adjustment(name: "MP2020 anion correction (\(a))", perAtom: v, atoms: n))
            }
        }
        if let u = gguaMixing[mostElectronegative] {
            for (el, n) in present.map({ ($0.0.symbol, $0.1) }) {
                if let v = u[el] { out.append(Adjustment(name: "MP2020 GGA/GGA+U mixing correction (\(el))", perAtom: v, atoms: n)) }
            }
        }
        return out
    }

    /// Total correction (eV) for a composition.
    public func correction(for c: Composition, oxideType: OxideType? = nil,
                           oxidationStates: [Element: Double]? = nil) -> Double {
        adjustments(for: c, oxideType: oxideType, oxidationStates: oxidationStates).reduce(0) { $0 + $1.energy }
    }

    static func oxideType(reducedFormula f: String) -> OxideType {
        if peroxides.contains(f) { return .peroxide }
        if superoxides.contains(f) { return .superoxide }
        if ozonides.contains(f) { return .ozonide }
        return .oxide
    }
}
