import Foundation
import KilnSupport
import GRDB
import Properties

/// What the lab or a DFT calculation found for a candidate, with who recorded it, when and how:
/// a synthesis attempt, a measured property, or a DFT total energy. Kept in the knowledge store
/// (`outcome` table) and read by every scoring: a DFT energy replaces the potential's on the hull, a
/// measured property replaces the prediction in the targets, a failed synthesis ranks the candidate
/// after every other (docs/server.md, "Lab in the loop").
public struct LabOutcome: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "outcome"

    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// `succeeded` (and, if made, `phasePure`).
        case synthesis
        /// `property` (a `TargetProperty` key), `value`, optional `sigma`.
        case property
        /// `energyPerAtom`: eV/atom, a VASP GGA/GGA+U total energy with Materials Project's settings
        /// (MP2020 corrections are added as for MP's own entries). Results read from the code's own
        /// output (`kiln ingest --dft`) also carry `code` and the result fields below; a QE energy, or a
        /// VASP one with other settings, is kept off the MP hull (`placesOnMPHull`).
        case dft
    }

    /// Where a DFT energy is placed: on MP's hull with the MP2020 corrections (VASP with MP's
    /// settings), on a hull of QE references computed the same way, or on none.
    public enum HullScale: String, Codable, Sendable {
        case mp2020
        case qe
        case none
    }

    public var id: Int64?
    public var candidateId: String
    public var kind: Kind
    /// Who recorded it (a person or a pipeline).
    public var author: String
    /// How: the synthesis route and characterisation, the measurement, or the DFT code and settings.
    public var method: String
    /// When it was recorded (by the store).
    public var recordedAt: Date
    /// When it was done, as given (e.g. "2026-12-01").
    public var performedOn: String?
    public var notes: String?
    public var succeeded: Bool?
    public var phasePure: Bool?
    public var property: String?
    public var value: Double?
    public var sigma: Double?
    public var energyPerAtom: Double?
    /// Where it came from: "api" or the ingested file's name.
    public var source: String
    /// A DFT result read from the code's output (`kiln ingest --dft`): the code ("vasp" or "qe"), the
    /// final structure (compact JSON), forces (eV/Å) and the largest, whether the run converged (only
    /// converged runs are stored), the functional (VASP: pymatgen's run type, e.g. "GGA+U") and U
    /// values (eV per element), the hull the energy was placed on and, for QE, its E_hull and formation
    /// energy (eV/atom) against the QE references, with a note on why there is no hull when there is none.
    public var code: String?
    public var structure: String?
    public var forces: [[Double]]?
    public var maxForce: Double?
    public var converged: Bool?
    public var functional: String?
    public var hubbardU: [String: Double]?
    public var hullScale: HullScale?
    public var energyAboveHull: Double?
    public var formationEnergyPerAtom: Double?
    public var hullNote: String?

    /// Whether the energy places the candidate on the Materials Project hull: a `dft` outcome given as
    /// a number (VASP with MP's settings, by the outcome's definition) or read from a VASP run whose
    /// settings MP2020 accepts.
    public var placesOnMPHull: Bool { kind == .dft && (code == nil || hullScale == .mp2020) }

    public init(candidateId: String, kind: Kind, author: String, method: String, recordedAt: Date = Date(), source: String) {
        (self.candidateId, self.kind, self.author, self.method, self.recordedAt, self.source) = (candidateId, kind, author, method, recordedAt, source)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The fields a kind needs are there and make sense; errors name the field.
    public func validate() throws {
        func need(_ ok: Bool, _ field: String, _ why: String) throws {
            if !ok { throw OutcomeError(field: field, reason: why) }
        }
        try need(!author.trimmingCharacters(in: .whitespaces).isEmpty && author.count <= 200, "author", "who recorded it (1–200 characters)")
        try need(!method.trimmingCharacters(in: .whitespaces).isEmpty && method.count <= 2000, "method", "how it was done (1–2000 characters)")
        try need((notes?.count ?? 0) <= 10_000 && (performedOn?.count ?? 0) <= 100, "notes", "at most 10,000 characters (performed_on at most 100)")
        let fields: [(String, Bool)] = [("succeeded", succeeded != nil), ("phase_pure", phasePure != nil), ("property", property != nil),
                                        ("value", value != nil), ("sigma", sigma != nil), ("energy_per_atom", energyPerAtom != nil),
                                        ("code", code != nil), ("structure", structure != nil || forces != nil || maxForce != nil || converged != nil),
                                        ("hull", hullScale != nil || energyAboveHull != nil || formationEnergyPerAtom != nil || hullNote != nil)]
        let allowed: [Kind: Set<String>] = [.synthesis: ["succeeded", "phase_pure"], .property: ["property", "value", "sigma"], .dft: ["energy_per_atom", "code", "structure", "hull"]]
        for (name, present) in fields where present && !allowed[kind]!.contains(name) {
            throw OutcomeError(field: name, reason: "does not belong to a \(kind.rawValue) outcome (it takes \(allowed[kind]!.sorted().joined(separator: ", ")))")
        }
        switch kind {
        case .synthesis:
            try need(succeeded != nil, "succeeded", "a synthesis outcome says whether the compound was made (true or false)")
            try need(succeeded == true || phasePure != true, "phase_pure", "a failed synthesis cannot be phase-pure")
        case .property:
            let keys = TargetProperty.allCases.map(\.rawValue)
            try need(property.map(keys.contains) ?? false, "property", "one of \(keys.joined(separator: ", "))")
            try need(value?.isFinite ?? false, "value", "a finite number in the property's unit (\(property.flatMap(TargetProperty.init(rawValue:))?.unit ?? "?"))")
            try need(sigma.map { $0.isFinite && $0 >= 0 } ?? true, "sigma", "a finite number ≥ 0")
        case .dft where code == "qe":
            // pw.x energies include the pseudopotentials' core terms: hundreds or thousands of eV per atom.
            try need(energyPerAtom.map { $0.isFinite && $0 < 0 } ?? false, "energy_per_atom", "a negative total energy per atom in eV (pw.x)")
            try need(hullScale != .mp2020, "hull", "a QE energy is never placed on MP's hull")
            try need(structure != nil && converged == true, "structure", "a QE result carries its final structure and is converged")
        case .dft:
            try need(code == nil || code == "vasp", "code", "vasp or qe")
            try need(energyPerAtom.map { $0.isFinite && (-50...10).contains($0) } ?? false, "energy_per_atom",
                     "a total energy per atom in eV between −50 and 10 (VASP GGA/GGA+U, Materials Project settings)")
            try need(code == nil || (structure != nil && converged == true), "structure", "a VASP result carries its final structure and is converged")
            try need(code == nil || hullScale != .qe, "hull", "a VASP energy is not placed on a QE hull")
        }
    }
}

/// A bad lab outcome, naming the field.
public struct OutcomeError: Error, CustomStringConvertible, Equatable {
    public let field: String
    public let reason: String
    public init(field: String, reason: String) { (self.field, self.reason) = (field, reason) }
    public var description: String { field.isEmpty ? reason : "outcome field '\(field)': \(reason)" }
}

/// A synthesis verdict, the latest one recorded.
public enum SynthesisResult: String, Codable, Sendable {
    case failed, made
    case phasePure = "phase_pure"
}

/// What a candidate's outcomes amount to: the latest of each kind (the latest measurement of each
/// property, the latest DFT energy on MP's scale) wins.
public struct LabEvidence: Sendable, Equatable {
    public var synthesis: SynthesisResult?
    public var dftEnergyPerAtom: Double?
    public var measured: [String: PropertyValue] = [:]
    /// The latest DFT result of any scale (its code, convergence, hull placement or why none).
    public var dft: LabOutcome?

    /// Evidence per candidate id from every outcome of a store.
    public static func byCandidate(_ outcomes: [LabOutcome]) -> [String: LabEvidence] {
        var out: [String: LabEvidence] = [:]
        for o in outcomes.sorted(by: { ($0.recordedAt, $0.id ?? 0) < ($1.recordedAt, $1.id ?? 0) }) {
            var e = out[o.candidateId] ?? LabEvidence()
            switch o.kind {
            case .synthesis: e.synthesis = o.succeeded == true ? (o.phasePure == true ? .phasePure : .made) : .failed
            case .dft:
                if o.placesOnMPHull { e.dftEnergyPerAtom = o.energyPerAtom }
                e.dft = o
            case .property:
                if let key = o.property, let p = TargetProperty(rawValue: key), let v = o.value {
                    e.measured[key] = PropertyValue(mean: v, sigma: o.sigma ?? 0, unit: p.unit)
                }
            }
            out[o.candidateId] = e
        }
        return out
    }
}

extension LabOutcome {
    /// The fields of an outcome by name, as text (a CSV row, or a JSON object's scalars).
    public static let fieldNames = ["candidate", "kind", "author", "method", "performed_on", "notes", "succeeded", "phase_pure",
                                    "property", "value", "sigma", "energy_per_atom"]

    /// An outcome from named text fields: unknown fields, bad numbers and booleans, and missing
    /// required ones are errors naming the field. `candidate` may come from the caller (an API path).
    public init(fields: [String: String], candidate: String? = nil, recordedAt: Date = Date(), source: String) throws {
        if let unknown = fields.keys.sorted().first(where: { !Self.fieldNames.contains($0) }) {
            throw OutcomeError(field: unknown, reason: "unknown field (fields: \(Self.fieldNames.joined(separator: ", ")))")
        }
        func text(_ k: String) -> String? { fields[k].flatMap { $0.isEmpty ? nil : $0 } }
        func number(_ k: String) throws -> Double? {
            guard let t = text(k) else { return nil }
            guard let v = Double(t), v.isFinite else { throw OutcomeError(field: k, reason: "'\(t)' is not a finite number") }
            return v
        }
        func flag(_ k: String) throws -> Bool? {
            guard let t = text(k) else { return nil }
            guard let v = Bool(t.lowercased()) else { throw OutcomeError(field: k, reason: "expected true or false, got '\(t)'") }
            return v
        }
        guard let id = candidate ?? text("candidate") else { throw OutcomeError(field: "candidate", reason: "which candidate (its id)") }
        if let candidate, let named = text("candidate"), named != candidate {
            throw OutcomeError(field: "candidate", reason: "'\(named)' is not the candidate addressed ('\(candidate)')")
        }
        guard let k = text("kind"), let kind = Kind(rawValue: k) else {
            throw OutcomeError(field: "kind", reason: "one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.init(candidateId: id, kind: kind, author: text("author") ?? "", method: text("method") ?? "", recordedAt: recordedAt, source: source)
        (performedOn, notes, property) = (text("performed_on"), text("notes"), text("property"))
        (succeeded, phasePure) = (try flag("succeeded"), try flag("phase_pure"))
        (value, sigma, energyPerAtom) = (try number("value"), try number("sigma"), try number("energy_per_atom"))
        try validate()
    }

    /// An outcome from a JSON object (scalars only).
    public init(json data: Data, candidate: String? = nil, source: String) throws {
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw OutcomeError(field: "", reason: "not valid JSON: \(ErrorText.describe(error))")
        }
        try self.init(jsonValue: value, candidate: candidate, source: source)
    }

    /// Outcomes from a JSON array of objects, each naming its candidate.
    public static func list(json data: Data, source: String) throws -> [LabOutcome] {
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw OutcomeError(field: "", reason: "not valid JSON: \(ErrorText.describe(error))")
        }
        guard case .array(let items) = value else { throw OutcomeError(field: "", reason: "expected an array of outcome objects") }
        return try items.enumerated().map { i, item in
            do { return try LabOutcome(jsonValue: item, source: source) } catch let e as OutcomeError {
                throw OutcomeError(field: "[\(i)]" + (e.field.isEmpty ? "" : ".\(e.field)"), reason: e.reason)
            }
        }
    }

    init(jsonValue value: JSONValue, candidate: String? = nil, source: String) throws {
        guard case .object(let members) = value else { throw OutcomeError(field: "", reason: "an outcome is a JSON object") }
        var fields: [String: String] = [:]
        for (k, v) in members {
            guard let t = v.text else { throw OutcomeError(field: k, reason: "expected a string, number or true/false") }
            fields[k] = t
        }
        try self.init(fields: fields, candidate: candidate, source: source)
    }
}

extension LabOutcome {
    /// Outcomes from a file: a CSV with a header of `fieldNames` (one outcome per row; empty cells
    /// are absent fields) or a JSON array of objects. Errors name the file and the row or item.
    public static func read(_ url: URL) throws -> [LabOutcome] {
        let name = url.lastPathComponent
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw OutcomeError(field: "", reason: "\(url.path): \(ErrorText.describe(error))") }
        do {
            if name.lowercased().hasSuffix(".json") { return try list(json: data, source: name) }
            guard name.lowercased().hasSuffix(".csv") else {
                throw OutcomeError(field: "", reason: "expected a .csv or .json file of outcomes")
            }
            guard let text = String(data: data, encoding: .utf8) else { throw OutcomeError(field: "", reason: "not UTF-8 text") }
            let table = try CSVTable(text: text, skipsComments: true, trimsWhitespace: true)
            return try table.rows.enumerated().map { i, row in
                var fields: [String: String] = [:]
                for (k, v) in zip(table.header, row) where !v.isEmpty { fields[k] = v }
                do { return try LabOutcome(fields: fields, source: name) } catch let e as OutcomeError {
                    throw OutcomeError(field: e.field, reason: "line \(table.rowLines[i]): \(e.reason)")
                }
            }
        } catch let e as OutcomeError {
            throw OutcomeError(field: e.field, reason: "\(name): \(e.reason)")
        } catch {
            throw OutcomeError(field: "", reason: "\(name): \(ErrorText.describe(error))")
        }
    }
}
