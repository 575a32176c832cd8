import Foundation

/// One scorecard line: a computed value (with its counts when it is a rate) or the reason it was
/// skipped, and where its definition comes from.
public struct Metric: Sendable, Codable, Equatable {
    /// Stable machine name, e.g. `validity.structural`.
    public var key: String
    public var label: String
    public var value: Double?
    /// Numerator and denominator of a rate.
    public var count: Int?
    public var total: Int?
    public var unit: String?
    /// Why the metric was not computed (nil when it was).
    public var skipped: String?
    /// The convention followed (paper / code), see docs/metrics.md.
    public var convention: String

    public static func rate(_ key: String, _ label: String, _ count: Int, of total: Int, convention: String) -> Metric {
        Metric(key: key, label: label, value: total > 0 ? Double(count) / Double(total) : nil, count: count, total: total,
               skipped: total > 0 ? nil : "no structures to count", convention: convention)
    }

    public static func value(_ key: String, _ label: String, _ v: Double?, unit: String? = nil, convention: String,
                             ifMissing reason: String = "no data") -> Metric {
        Metric(key: key, label: label, value: v, unit: unit, skipped: v == nil ? reason : nil, convention: convention)
    }

    public static func skipped(_ key: String, _ label: String, _ reason: String, convention: String) -> Metric {
        Metric(key: key, label: label, skipped: reason, convention: convention)
    }
}

/// The generative-model scorecard: inputs, metrics and notes; written as JSON and markdown.
public struct Scorecard: Sendable, Codable {
    public var inputs: [String: String]
    public var structureCount: Int
    public var metrics: [Metric]
    public var notes: [String]
    /// Input files that could not be read and were left out.
    public var skipped: [SkippedFile]
    public var seconds: Double

    public init(inputs: [String: String], structureCount: Int, metrics: [Metric], notes: [String],
                skipped: [SkippedFile] = [], seconds: Double) {
        self.inputs = inputs
        self.structureCount = structureCount
        self.metrics = metrics
        self.notes = notes
        self.skipped = skipped
        self.seconds = seconds
    }

    public subscript(key: String) -> Metric? { metrics.first { $0.key == key } }

    public func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(self)
    }

    public func markdown(title: String = "Generative-model scorecard") -> String {
        var s = "# \(title)\n\n"
        for k in inputs.keys.sorted() { s += "- \(k): `\(inputs[k]!)`\n" }
        s += "- structures evaluated: \(structureCount)\n"
        s += String(format: "- wall time: %.1f s\n\n", seconds)
        s += "| metric | value | counts | convention |\n|---|---|---|---|\n"
        for m in metrics {
            let value: String
            if let v = m.value {
                value = m.total != nil ? String(format: "%.2f %%", 100 * v) : String(format: "%.4g", v) + (m.unit.map { " \($0)" } ?? "")
            } else {
                value = "skipped: \(m.skipped ?? "not computed")"
            }
            let counts = m.count.map { c in m.total.map { "\(c) / \($0)" } ?? "\(c)" } ?? ""
            s += "| \(m.label) | \(value) | \(counts) | \(m.convention) |\n"
        }
        if !notes.isEmpty {
            s += "\nNotes:\n\n" + notes.map { "- \($0)\n" }.joined()
        }
        if !skipped.isEmpty {
            s += "\nSkipped input files (unreadable, not scored):\n\n" + skipped.map { "- `\($0.path)`: \($0.reason)\n" }.joined()
        }
        s += "\nDefinitions: docs/metrics.md.\n"
        return s
    }
}
