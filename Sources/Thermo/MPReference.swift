import Crystal
import KilnSupport
import Foundation

/// The bundled Materials Project reference: formation energies per atom (eV/atom, elements at 0)
/// of 169,492 MP entries (legacy MP, about 2018; CC-BY-4.0, cite Jain et al. 2013). See
/// `metadata` for provenance and NOTICE for licences.
public enum MPReference {
    /// Provenance, version, licence and counts, as stored next to the data.
    public static func metadata() throws -> [String: Any] {
        guard let url = Bundle.module.url(forResource: "mp_reference_meta", withExtension: "json"),
              let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        else { throw ThermoError.invalidInput("bundled MP reference metadata is missing") }
        return obj
    }

    /// All reference entries; each entry's energy is its formation energy (eV) and attribute
    /// `source` is `mp-reference`.
    public static func entries() throws -> [ThermoEntry] {
        guard let url = Bundle.module.url(forResource: "mp_reference.csv", withExtension: "gz") else {
            throw ThermoError.invalidInput("bundled MP reference data is missing")
        }
        let data = try Gzip.readFile(url)
        var out: [ThermoEntry] = []
        out.reserveCapacity(170_000)
        var cache: [Substring: Composition] = [:]
        let text = String(decoding: data, as: UTF8.self)
        for (n, line) in text.split(separator: "\n").enumerated() where n > 0 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 3, let e = Double(f[1]) else {
                throw ThermoError.invalidInput("bundled MP reference, line \(n + 1): malformed")
            }
            let comp: Composition
            if let c = cache[f[0]] {
                comp = c
            } else {
                comp = try simpleComposition(f[0]) ?? Composition(String(f[0]))
                cache[f[0]] = comp
            }
            out.append(try ThermoEntry(composition: comp, energyPerAtom: e, id: String(f[2]),
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
