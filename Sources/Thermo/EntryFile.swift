import Crystal
import Foundation
import KilnSupport

/// A user's entry as read from a CSV or JSON file, before it is put on an energy scale.
public struct EntryRecord: Sendable {
    /// How the energy was given.
    public enum Energy: Sendable, Equatable {
        /// Total energy (eV) for the formula as written.
        case total(Double)
        /// Energy per atom (eV/atom).
        case perAtom(Double)
        /// Formation energy per atom (eV/atom, elements at 0).
        case formationPerAtom(Double)
    }

    public var id: String
    public var composition: Composition
    public var energy: Energy
    /// Other columns, kept as attributes.
    public var attributes: [String: String]
    /// Where it came from, e.g. "entries.csv:3".
    public var location: String

    public init(id: String, composition: Composition, energy: Energy, attributes: [String: String] = [:],
                location: String) {
        self.id = id
        self.composition = composition
        self.energy = energy
        self.attributes = attributes
        self.location = location
    }
}

/// Reads entry files. CSV: a header row with `formula` and exactly one energy column per row among
/// `energy` (total eV), `energy_per_atom` and `formation_energy_per_atom`; optional `id`; other
/// columns become attributes; `#` lines and blank lines are skipped; fields may be double-quoted
/// (RFC 4180, see `CSVTable`) and are trimmed of surrounding blanks.
/// JSON: an array of objects with the same keys (or `{"entries": [...]}`).
public enum EntryFile {
    static let energyKeys = ["energy", "energy_per_atom", "formation_energy_per_atom"]

    /// Reads a `.json` file as JSON and anything else as CSV.
    public static func read(_ url: URL) throws -> [EntryRecord] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ThermoError.invalidInput("\(url.path): cannot read the file: \(ErrorText.describe(error))")
        }
        let name = url.lastPathComponent
        return url.pathExtension.lowercased() == "json" ? try parseJSON(data, name: name)
            : try parseCSV(String(decoding: data, as: UTF8.self), name: name)
    }

    public static func parseCSV(_ text: String, name: String) throws -> [EntryRecord] {
        let table: CSVTable
        do { table = try CSVTable(text: text, skipsComments: true, trimsWhitespace: true) } catch let e as CSVError {
            throw ThermoError.invalidInput("\(e.line.map { "\(name):\($0)" } ?? name): \(e.reason)")
        }
        let header = table.header.map { $0.lowercased() }
        guard header.contains("formula") else {
            throw ThermoError.invalidInput("\(name):\(table.headerLine): header needs a 'formula' column")
        }
        guard header.contains(where: energyKeys.contains) else {
            throw ThermoError.invalidInput("\(name):\(table.headerLine): header needs one of \(energyKeys.joined(separator: ", "))")
        }
        var out: [EntryRecord] = []
        for (fields, line) in zip(table.rows, table.rowLines) {
            var row: [String: Any] = [:]
            for (k, v) in zip(header, fields) where !v.isEmpty { row[k] = v }
            out.append(try record(row, location: "\(name):\(line)", index: out.count))
        }
        return out
    }

    public static func parseJSON(_ data: Data, name: String) throws -> [EntryRecord] {
        let obj: Any
        do { obj = try JSONSerialization.jsonObject(with: data) } catch {
            throw ThermoError.invalidInput("\(name): not valid JSON")
        }
        guard let list = (obj as? [Any]) ?? ((obj as? [String: Any])?["entries"] as? [Any]) else {
            throw ThermoError.invalidInput("\(name): expected an array of entries or {\"entries\": [...]}")
        }
        return try list.enumerated().map { i, item in
            guard let row = item as? [String: Any] else {
                throw ThermoError.invalidInput("\(name): entry \(i + 1): not an object")
            }
            return try record(row, location: "\(name): entry \(i + 1)", index: i)
        }
    }

    private static func record(_ row: [String: Any], location: String, index: Int) throws -> EntryRecord {
        func fail(_ r: String) -> ThermoError { .invalidInput("\(location): \(r)") }
        guard let formula = row["formula"].map({ "\($0)" }), !formula.isEmpty else { throw fail("missing formula") }
        let comp: Composition
        do { comp = try Composition(formula) } catch { throw fail("\(error)") }
        if let bad = comp.items.first(where: { $0.1 < 0 }) {
            throw fail("negative amount of \(bad.0.symbol) in '\(formula)'")
        }
        let given = energyKeys.filter { row[$0] != nil }
        guard given.count == 1 else {
            throw fail(given.isEmpty ? "no energy (give one of \(energyKeys.joined(separator: ", ")))"
                                     : "several energies given (\(given.joined(separator: ", "))); give one")
        }
        let key = given[0]
        let value: Double
        switch row[key]! {
        case let d as Double: value = d
        case let n as NSNumber: value = n.doubleValue
        case let s as String:
            guard let d = Double(s.trimmingCharacters(in: .whitespaces)) else { throw fail("\(key) '\(s)' is not a number") }
            value = d
        default: throw fail("\(key) is not a number")
        }
        guard value.isFinite else { throw fail("\(key) is not a finite number") }
        let energy: EntryRecord.Energy = key == "energy" ? .total(value)
            : key == "energy_per_atom" ? .perAtom(value) : .formationPerAtom(value)
        var attrs: [String: String] = [:]
        for (k, v) in row where k != "formula" && k != "id" && !energyKeys.contains(k) { attrs[k] = "\(v)" }
        return EntryRecord(id: row["id"].map { "\($0)" } ?? "\(index + 1)", composition: comp, energy: energy,
                           attributes: attrs, location: location)
    }
}
