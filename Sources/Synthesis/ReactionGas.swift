import Crystal
import Foundation
import KilnSupport

/// A gas that leaves (or, for O2, enters) a solid-state reaction, with its energy on the bundled MP
/// formation-energy scale (`Resources/gases.csv`, built by scripts/build_precursor_gases.py).
///
/// The free energy at temperature T is ΔfH°(298 K) + offset − T·S°(298 K) per molecule: NIST-JANAF
/// enthalpy and entropy, the offset that aligns the gas with MP's carbonates, hydroxides and nitrates
/// (legacy MP binds them, relative to their oxides, more strongly than experiment by a nearly constant
/// amount per molecule released), and the gas's whole entropy; elements are at H(298 K) = 0, the
/// scale of the solids' Gibbs energies (`SolidGibbs`). The gases' heat content and the rise of S
/// above 298 K are left out (docs/synthesis.md gives their size).
public struct ReactionGas: Sendable, Hashable {
    /// kJ/mol per eV.
    static let kilojoulesPerMolePerEV = 96.485332

    public let formula: String
    public let composition: Composition
    /// Standard enthalpy of formation at 298.15 K (kJ/mol), NIST-JANAF.
    public let enthalpy: Double
    /// Standard entropy at 298.15 K (J/mol/K), NIST-JANAF.
    public let entropy: Double
    /// Shift onto the MP scale (eV per molecule).
    public let mpOffset: Double

    /// Free energy (eV per molecule) on the MP formation scale at `temperature` (K).
    public func freeEnergy(temperature: Double) -> Double {
        (enthalpy - temperature * entropy / 1000) / Self.kilojoulesPerMolePerEV + mpOffset
    }

    /// The bundled gases by formula (O2, N2, H2, CO2, H2O, NO2, NH3).
    public static func bundled() throws -> [String: ReactionGas] {
        guard let url = Bundle.module.url(forResource: "gases", withExtension: "csv", subdirectory: "Resources") else {
            throw SynthesisError("gases.csv is missing from the Synthesis bundle")
        }
        let table = try CSVTable(text: try String(contentsOf: url, encoding: .utf8), skipsComments: true)
        guard Array(table.header.prefix(4)) == ["formula", "enthalpy_kJ_per_mol", "entropy_J_per_mol_K", "mp_offset_eV"] else {
            throw SynthesisError("gases.csv: unexpected header \(table.header.joined(separator: ","))")
        }
        var out: [String: ReactionGas] = [:]
        for (row, line) in zip(table.rows, table.rowLines) {
            guard let h = Double(row[1]), let s = Double(row[2]), let off = Double(row[3]),
                  let c = try? Composition(row[0]) else {
                throw SynthesisError("gases.csv, line \(line): malformed row")
            }
            out[row[0]] = ReactionGas(formula: row[0], composition: c, enthalpy: h, entropy: s, mpOffset: off)
        }
        return out
    }
}
