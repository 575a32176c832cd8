import Crystal
import Foundation
import KilnSupport

/// A gas that leaves (or, for O2, enters) a solid-state reaction, with its energy on the bundled MP
/// formation-energy scale (`Resources/gases.csv`, built by scripts/build_precursor_gases.py).
///
/// The free energy at temperature T is ΔfG(T) + Σ nᵢ G_i(T) + offset per molecule: ΔfG(T) the
/// NIST-JANAF Gibbs energy of formation pymatgen's reaction tooling uses (`nist_gas_gf.json`, every
/// 100 K, interpolated linearly), G_i(T) the elements' Gibbs energies of the solids (`SolidGibbs`,
/// elements at H(298 K) = 0), and the offset that aligns the gas with MP's carbonates, hydroxides
/// and nitrates (legacy MP binds them, relative to their oxides, more strongly than experiment by a
/// nearly constant amount per molecule released; an enthalpy error of the solids, so independent of T).
public struct ReactionGas: Sendable, Hashable {
    public let formula: String
    public let composition: Composition
    /// ΔfG (eV per molecule) at `ReactionReference.gibbsTemperatures`, NIST-JANAF via pymatgen.
    public let formationGibbs: [Double]
    /// Shift onto the MP scale (eV per molecule).
    public let mpOffset: Double
    /// Σ nᵢ G_i(T) of the molecule's elements (eV) at `ReactionReference.gibbsTemperatures`.
    let elementGibbs: [Double]

    /// Free energy (eV per molecule) on the MP formation scale at `temperature` (K), within 300–2000 K
    /// (clamped to the table's ends outside it).
    public func freeEnergy(temperature: Double) -> Double {
        let grid = ReactionReference.gibbsTemperatures
        let t = min(max(temperature, grid[0]), grid[grid.count - 1])
        let k = min(grid.count - 2, Int((t - grid[0]) / 100))
        let w = (t - grid[k]) / 100
        let g = { (i: Int) in formationGibbs[i] + elementGibbs[i] }
        return g(k) * (1 - w) + g(k + 1) * w + mpOffset
    }

    /// The bundled gases by formula (O2, N2, H2, CO2, H2O, NO2, NH3).
    public static func bundled() throws -> [String: ReactionGas] {
        guard let url = Bundle.module.url(forResource: "gases", withExtension: "csv", subdirectory: "Resources") else {
            throw SynthesisError("gases.csv is missing from the Synthesis bundle")
        }
        let grid = ReactionReference.gibbsTemperatures
        let table = try CSVTable(text: try String(contentsOf: url, encoding: .utf8), skipsComments: true)
        guard table.header == ["formula", "mp_offset_eV", "pairs", "sd_eV"] + grid.map({ String(Int($0)) }) else {
            throw SynthesisError("gases.csv: unexpected header \(table.header.joined(separator: ","))")
        }
        let elements = try ReactionReference.elementGibbs()
        var out: [String: ReactionGas] = [:]
        for (row, line) in zip(table.rows, table.rowLines) {
            let values = row.dropFirst(4).compactMap(Double.init)
            guard let off = Double(row[1]), values.count == grid.count, let c = try? Composition(row[0]) else {
                throw SynthesisError("gases.csv, line \(line): malformed row")
            }
            var reference = Array(repeating: 0.0, count: grid.count)
            for (el, n) in c.items {
                guard let g = elements[el] else { throw SynthesisError("no elemental Gibbs energy for \(el.symbol) (element_gibbs.csv)") }
                for i in grid.indices { reference[i] += n * g[i] }
            }
            out[row[0]] = ReactionGas(formula: row[0], composition: c, formationGibbs: values, mpOffset: off, elementGibbs: reference)
        }
        return out
    }
}
