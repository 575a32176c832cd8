import Crystal
import Foundation

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
/// columns become attributes; `#` lines and blank lines are skipped; fields may be double-quoted.
/// JSON: an array of objects with the same keys (or `{"entries": [...]}`).
public enum EntryFile {
    static let energyKeys = ["energy", "energy_per_atom", "formation_energy_per_atom"]

    /// Reads a `.json` file as JSON and anything else as CSV.
    public static func read(_ url: URL) throws -> [EntryRecord] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ThermoError.invalidInput("\(url.path): cannot read file")
        }
        let name = url.lastPathComponent
        return url.pathExtension.lowercased() == "json" ? try parseJSON(data, name: name)
            : try parseCSV(String(decoding: data, as: UTF8.self), name: name)
    }

    public static func parseCSV(_ text: String, name: String) throws -> [EntryRecord] {
        var header: [String]?
        var out: [EntryRecord] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = try splitCSV(line, at: "\(name):\(n + 1)")
            guard let h = header else {
                header = fields.map { $0.lowercased() }
                guard header!.contains("formula") else {
                    throw ThermoError.invalidInput("\(name):\(n + 1): header needs a 'formula' column")
                }
                guard header!.contains(where: energyKeys.contains) else {
                    throw ThermoError.invalidInput("\(name):\(n + 1): header needs one of \(energyKeys.joined(separator: ", "))")
                }
                continue
            }
            guard fields.count == h.count else {
                throw ThermoError.invalidInput("\(name):\(n + 1): \(fields.count) fields, header has \(h.count)")
            }
            var row: [String: Any] = [:]
            for (k, v) in zip(h, fields) where !v.isEmpty { row[k] = v }
            out.append(try record(row, location: "\(name):\(n + 1)", index: out.count))
        }
        guard header != nil else { throw ThermoError.invalidInput("\(name): no header row") }
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

    /// Splits one CSV line, honouring double quotes ("" inside quotes is a quote).
    static func splitCSV(_ line: String, at location: String) throws -> [String] {
        var fields: [String] = []
        var cur = ""
        var quoted = false
        let it = Array(line)
        var i = 0
        while i < it.count {
            let ch = it[i]
            if quoted {
                if ch == "\"" {
                    if i + 1 < it.count && it[i + 1] == "\"" { cur.append("\""); i += 1 } else { quoted = false }
                } else { cur.append(ch) }
            } else if ch == "\"" {
                quoted = true
            } else if ch == "," {
                fields.append(cur.trimmingCharacters(in: .whitespaces)); cur = ""
            } else { cur.append(ch) }
            i += 1
        }
        guard !quoted else { throw ThermoError.invalidInput("\(location): unterminated quote") }
        fields.append(cur.trimmingCharacters(in: .whitespaces))
        return fields
    }
}
