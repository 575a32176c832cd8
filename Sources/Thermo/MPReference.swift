import Crystal
import ReferenceData
import Foundation

/// The bundled Materials Project reference as hull entries: formation energies per atom (eV/atom,
/// elements at 0) of 169,492 MP entries (legacy MP, about 2018; CC-BY-4.0, cite Jain et al. 2013).
public enum MPReference {
    /// Provenance of the bundled table (`ReferenceData.MPEnergyTable`).
    public static func metadata() throws -> MPEnergyTable.Metadata { try MPEnergyTable.metadata() }

    /// All reference entries; each entry's energy is its formation energy (eV) and attribute
    /// `source` is `mp-reference`.
    public static func entries() throws -> [ThermoEntry] {
        var out: [ThermoEntry] = []
        out.reserveCapacity(170_000)
        var cache: [Substring: Composition] = [:]
        for row in try MPEnergyTable.rows() {
            let comp: Composition
            if let c = cache[row.formula] {
                comp = c
            } else {
                comp = try simpleComposition(row.formula) ?? Composition(String(row.formula))
                cache[row.formula] = comp
            }
            out.append(try ThermoEntry(composition: comp, energyPerAtom: row.formationEnergyPerAtom, id: String(row.id),
                                       attributes: ["source": "mp-reference"]))
        }
        return out
    }

    /// Fast path for plain formulas such as `C1Pt1` or `Fe2O3` (symbols and amounts only); nil otherwise.
    static func simpleComposition(_ s: Substring) -> Composition? {
        var pairs: [(Element, Double)] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            guard b[i] >= 65 && b[i] <= 90 else { return nil }
            var j = i + 1
            while j < b.count && b[j] >= 97 && b[j] <= 122 { j += 1 }
            guard let el = try? Element(String(decoding: b[i..<j], as: UTF8.self)) else { return nil }
            var k = j
            while k < b.count && ((b[k] >= 48 && b[k] <= 57) || b[k] == 46) { k += 1 }
            let amount = k > j ? Double(String(decoding: b[j..<k], as: UTF8.self)) : 1
            guard let a = amount else { return nil }
            pairs.append((el, a))
            i = k
        }
        return pairs.isEmpty ? nil : Composition(pairs)
    }
}
