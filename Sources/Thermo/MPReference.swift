import Crystal
import CrystalIO
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
            if let c = cache[f[0]] { comp = c } else { comp = try Composition(String(f[0])); cache[f[0]] = comp }
            out.append(try ThermoEntry(composition: comp, energyPerAtom: e, id: String(f[2]),
                                       attributes: ["source": "mp-reference"]))
        }
        return out
    }
}
