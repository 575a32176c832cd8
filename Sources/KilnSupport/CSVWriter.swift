/// Writes comma-separated text that `CSVTable` (and RFC 4180 readers: pandas, spreadsheets) read
/// back unchanged: a field containing a comma, a double quote, CR or LF is quoted, with its quotes
/// doubled. Lines end with LF.
public struct CSVWriter: Sendable {
    /// Guard against spreadsheet formula injection: a field starting with `=`, `+`, `-` or `@`
    /// that is not a number gets a leading apostrophe, so spreadsheets show it as text. Off by
    /// default: the apostrophe becomes part of the value for every other reader. Numbers (such as
    /// negative energies) are never changed.
    public var spreadsheetSafe: Bool

    public init(spreadsheetSafe: Bool = false) {
        self.spreadsheetSafe = spreadsheetSafe
    }

    /// One record, without the line end.
    public func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",")
    }

    /// A header line and one line per row.
    public func document(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { row($0) + "\n" }.joined()
    }

    func field(_ value: String) -> String {
        var s = value
        if spreadsheetSafe, let first = s.first, "=+-@".contains(first), Double(s) == nil { s = "'" + s }
        // Bytes, not Characters: "\r\n" is a single Character equal to neither "\r" nor "\n".
        guard s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
