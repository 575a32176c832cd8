import Foundation
import KilnSupport

/// Formulas that Materials Project lists in its composition tables but the bundled energy table
/// (`MPEnergyTable`) does not: 8,082 known compositions with no energy or structure in Kiln (MP
/// energy-above-hull table of about 2019 and MP-20 of about 2021; CC-BY-4.0). Together with the
/// energy table's formulas they are the "known composition" reference of novelty checks.
/// Built by scripts/build_known_formulas.py; `metadata` gives the provenance.
public enum MPKnownFormulas {
    /// One row: a formula with integer counts (not necessarily reduced the way Kiln writes it) and
    /// the table it came from (`mp_e_hull` or `mp20`).
    public struct Row: Sendable {
        public var formula: String
        public var source: String
    }

    /// Every row, in file order.
    public static func rows() throws -> [Row] {
        guard let url = Bundle.module.url(forResource: "mp_known_formulas.csv", withExtension: "gz") else {
            throw ReferenceDataError.corrupt("mp_known_formulas.csv.gz is missing from the ReferenceData bundle")
        }
        let text = String(decoding: try Gzip.readFile(url), as: UTF8.self)
        var out: [Row] = []
        for (n, line) in text.split(separator: "\n").enumerated() where n > 0 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            guard f.count == 2, !f[0].isEmpty else {
                throw ReferenceDataError.corrupt("mp_known_formulas.csv.gz, line \(n + 1): malformed")
            }
            out.append(Row(formula: String(f[0]), source: String(f[1])))
        }
        return out
    }

    /// Provenance, licence and counts, as stored next to the data.
    public static func metadata() throws -> Metadata {
        guard let url = Bundle.module.url(forResource: "mp_known_formulas_meta", withExtension: "json") else {
            throw ReferenceDataError.corrupt("mp_known_formulas_meta.json is missing from the ReferenceData bundle")
        }
        do { return try JSONDecoder().decode(Metadata.self, from: Data(contentsOf: url)) } catch {
            throw ReferenceDataError.corrupt("mp_known_formulas_meta.json: \(error)")
        }
    }

    /// What `mp_known_formulas_meta.json` records.
    public struct Metadata: Decodable, Sendable {
        /// One source table: how many distinct formulas it lists and how many it adds.
        public struct Table: Decodable, Sendable {
            public var source: String
            public var distinctFormulas: Int
            public var added: Int

            enum CodingKeys: String, CodingKey {
                case source, added
                case distinctFormulas = "distinct_formulas"
            }
        }

        public var name: String
        public var description: String
        public var tables: [Table]
        public var formulaCount: Int
        public var license: String
        public var citation: String

        enum CodingKeys: String, CodingKey {
            case name, description, tables, license, citation
            case formulaCount = "n_formulas"
        }
    }
}
