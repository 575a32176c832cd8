import Foundation
import KilnSupport

/// The bundled Materials Project energy table: formation energies per atom (eV/atom, elements at 0)
/// of 169,492 MP entries (legacy MP, about 2018; CC-BY-4.0, cite Jain et al. 2013), as rows of
/// formula, energy and id. `Thermo.MPReference` turns them into hull entries; `metadata` gives the
/// provenance and NOTICE the licences.
public enum MPEnergyTable {
    /// One row: the formula as stored (e.g. "Li2O1"), formation energy per atom, MP or matbench id.
    public struct Row: Sendable {
        public var formula: Substring
        public var formationEnergyPerAtom: Double
        public var id: Substring
    }

    /// Provenance, version, licence and counts, as stored next to the data.
    public static func metadata() throws -> Metadata {
        guard let url = Bundle.module.url(forResource: "mp_reference_meta", withExtension: "json") else {
            throw ReferenceDataError.corrupt("mp_reference_meta.json is missing from the ReferenceData bundle")
        }
        do { return try JSONDecoder().decode(Metadata.self, from: Data(contentsOf: url)) } catch {
            throw ReferenceDataError.corrupt("mp_reference_meta.json: \(ErrorText.describe(error))")
        }
    }

    /// Every row, in file order.
    public static func rows() throws -> [Row] {
        guard let url = Bundle.module.url(forResource: "mp_reference.csv", withExtension: "gz") else {
            throw ReferenceDataError.corrupt("mp_reference.csv.gz is missing from the ReferenceData bundle")
        }
        let text = String(decoding: try Gzip.readFile(url), as: UTF8.self)
        var out: [Row] = []
        out.reserveCapacity(170_000)
        for (n, line) in text.split(separator: "\n").enumerated() where n > 0 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 3, let e = Double(f[1]) else {
                throw ReferenceDataError.corrupt("mp_reference.csv.gz, line \(n + 1): malformed")
            }
            out.append(Row(formula: f[0], formationEnergyPerAtom: e, id: f[2]))
        }
        return out
    }

    /// What `mp_reference_meta.json` records about the table.
    public struct Metadata: Decodable, Sendable {
        /// Short name, e.g. "mp-legacy-2018".
        public var name: String
        public var description: String
        /// Number of rows.
        public var entryCount: Int
        public var license: String
        public var citation: String

        enum CodingKeys: String, CodingKey {
            case name, description, license, citation
            case entryCount = "n_entries"
        }
    }
}
