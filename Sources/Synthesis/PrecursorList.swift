import Crystal
import Foundation
import KilnSupport

/// A common solid-state precursor: a binary oxide, carbonate, nitrate, hydroxide, ammonium or acid
/// salt, or an element, with the gases it gives off when it reacts.
public struct Precursor: Sendable, Hashable {
    /// The formula as listed, e.g. "Li2CO3".
    public let formula: String
    public let composition: Composition
    /// "oxide", "carbonate", "nitrate", "hydroxide", "ammonium salt", "acid" or "element".
    public let kind: String
    /// Formulas of the gases it releases (CO2, H2O, NO2, NH3); O2 may enter or leave any reaction.
    public let releases: [String]
    /// Takes up water or CO2 from air within hours, or oxidises (e.g. BaO, Li2O, P2O5, FeO).
    public let airSensitive: Bool

    public init(formula: String, kind: String, releases: [String], airSensitive: Bool = false) throws {
        do { composition = try Composition(formula) } catch {
            throw SynthesisError("precursor '\(formula)': \(ErrorText.describe(error))")
        }
        (self.formula, self.kind, self.releases, self.airSensitive) = (formula, kind, releases, airSensitive)
    }
}

/// The bundled precursor list, `Resources/precursors.csv`: the precursor families common in
/// text-mined solid-state recipes (Kononova et al., Sci. Data 6, 203 (2019)), written for Kiln
/// (docs/synthesis.md).
public enum PrecursorList {
    /// Every precursor of the bundled list, in file order.
    public static func bundled() throws -> [Precursor] {
        guard let url = Bundle.module.url(forResource: "precursors", withExtension: "csv", subdirectory: "Resources") else {
            throw SynthesisError("precursors.csv is missing from the Synthesis bundle")
        }
        return try parse(String(contentsOf: url, encoding: .utf8), source: "precursors.csv")
    }

    /// Precursors from CSV text with the columns `formula,kind,releases,air_sensitive` (releases
    /// separated by spaces; air_sensitive "yes" or empty); `#` lines are comments. Errors name
    /// `source` and the line.
    public static func parse(_ text: String, source: String) throws -> [Precursor] {
        let table = try CSVTable(text: text, skipsComments: true, trimsWhitespace: true)
        guard table.header == ["formula", "kind", "releases", "air_sensitive"] else {
            throw SynthesisError("\(source): expected the header formula,kind,releases,air_sensitive, got \(table.header.joined(separator: ","))")
        }
        var seen: Set<String> = []
        return try zip(table.rows, table.rowLines).map { row, line in
            let p: Precursor
            guard row[3] == "yes" || row[3].isEmpty else {
                throw SynthesisError("\(source), line \(line): air_sensitive must be 'yes' or empty, got '\(row[3])'")
            }
            do {
                p = try Precursor(formula: row[0], kind: row[1], releases: row[2].split(separator: " ").map(String.init),
                                  airSensitive: row[3] == "yes")
            } catch {
                throw SynthesisError("\(source), line \(line): \(error)")
            }
            guard seen.insert(p.composition.reducedFormula).inserted else {
                throw SynthesisError("\(source), line \(line): \(p.formula) is listed twice")
            }
            return p
        }
    }
}
