import Foundation

/// A comma-separated table with RFC 4180 quoting: a field that starts with `"` may hold commas,
/// line breaks and doubled quotes. Lines end with LF or CRLF; blank lines are skipped. The first
/// record is the header and every row must have as many fields.
public struct CSVTable: Sendable {
    public let header: [String]
    public let rows: [[String]]
    /// 1-based line of the header.
    public let headerLine: Int
    /// 1-based line on which each row starts.
    public let rowLines: [Int]

    /// Parses `text`. `skipsComments`: records whose first non-blank character is `#` are skipped.
    /// `trimsWhitespace`: spaces and tabs around each field are dropped (also before an opening quote).
    public init(text: String, skipsComments: Bool = false, trimsWhitespace: Bool = false) throws {
        var records: [[String]] = []
        var starts: [Int] = []
        var field: [UInt8] = [], record: [String] = []
        var inQuotes = false, line = 1, recordStart = 1, quoteLine = 1
        let (quote, comma, newline, cr) = (UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\r"))
        /// Nothing but (trimmed) blanks read of the current field.
        func atFieldStart() -> Bool {
            field.isEmpty || (trimsWhitespace && field.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        }
        func endField() {
            var s = String(decoding: field, as: UTF8.self)
            if trimsWhitespace { s = s.trimmingCharacters(in: .whitespaces) }
            record.append(s)
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            if !(record.count == 1 && record[0].isEmpty) { records.append(record); starts.append(recordStart) }
            record = []
        }
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote { field.append(c); i += 1 } else { inQuotes = false }
                } else {
                    if c == newline { line += 1 }
                    field.append(c)
                }
            } else if c == quote && atFieldStart() {
                field.removeAll(keepingCapacity: true)
                inQuotes = true; quoteLine = line
            } else if c == UInt8(ascii: "#") && skipsComments && record.isEmpty && atFieldStart() {
                field.removeAll(keepingCapacity: true)
                while i < bytes.count && bytes[i] != newline { i += 1 }
                line += 1; recordStart = line
            } else if c == comma {
                endField()
            } else if c == newline {
                endRecord(); line += 1; recordStart = line
            } else if c != cr || !(i + 1 < bytes.count && bytes[i + 1] == newline) {
                field.append(c)
            }
            i += 1
        }
        if inQuotes { throw CSVError(line: quoteLine, "quoted field is never closed") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let head = records.first else { throw CSVError(line: nil, "no header row") }
        for (r, n) in zip(records.dropFirst(), starts.dropFirst()) where r.count != head.count {
            throw CSVError(line: n, "row has \(r.count) fields, the header has \(head.count)")
        }
        header = head
        headerLine = starts[0]
        rows = Array(records.dropFirst())
        rowLines = Array(starts.dropFirst())
    }

    /// Index of the column named `name`, if present.
    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }
}

/// Why a CSV text could not be read: the 1-based line when known, and the reason.
public struct CSVError: Error, CustomStringConvertible, Sendable {
    public let line: Int?
    public let reason: String

    public init(line: Int?, _ reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { line.map { "line \($0): \(reason)" } ?? reason }
}
