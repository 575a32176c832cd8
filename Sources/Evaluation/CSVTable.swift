import Foundation

/// A comma-separated table with RFC-4180 quoting (quoted fields may hold commas, doubled quotes
/// and line breaks), as written by pandas for the CDVAE benchmark splits.
public struct CSVTable: Sendable {
    public let header: [String]
    public let rows: [[String]]
    /// 1-based line on which each row starts.
    public let rowLines: [Int]

    /// Parses `text`; `file` names the source in errors (unterminated quotes, ragged rows).
    public init(text: String, file: String) throws {
        var records: [[String]] = []
        var starts: [Int] = []
        var field: [UInt8] = [], record: [String] = []
        var inQuotes = false, line = 1, recordStart = 1, quoteLine = 1
        let bytes = Array(text.utf8)
        var i = 0
        func endField() { record.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true) }
        func endRecord() {
            endField()
            if !(record.count == 1 && record[0].isEmpty) { records.append(record); starts.append(recordStart) }
            record = []
        }
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") { field.append(c); i += 1 } else { inQuotes = false }
                } else {
                    if c == UInt8(ascii: "\n") { line += 1 }
                    field.append(c)
                }
            } else if c == UInt8(ascii: "\"") && field.isEmpty {
                inQuotes = true; quoteLine = line
            } else if c == UInt8(ascii: ",") {
                endField()
            } else if c == UInt8(ascii: "\n") {
                endRecord(); line += 1; recordStart = line
            } else if c != UInt8(ascii: "\r") || !(i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n")) {
                field.append(c)
            }
            i += 1
        }
        if inQuotes { throw EvaluationError(file: file, line: quoteLine, "quoted field is never closed") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let head = records.first else { throw EvaluationError(file: file, "empty CSV file") }
        for (r, n) in zip(records.dropFirst(), starts.dropFirst()) where r.count != head.count {
            throw EvaluationError(file: file, line: n, "row has \(r.count) fields, the header has \(head.count)")
        }
        header = head
        rows = Array(records.dropFirst())
        rowLines = Array(starts.dropFirst())
    }

    /// Index of the column named `name`, if present.
    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }
}
