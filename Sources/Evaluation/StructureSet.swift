import Crystal
import CrystalIO
import Foundation
import KilnSupport

/// A structure with a name that identifies it in reports (file name, CSV material id, …).
public struct NamedStructure: Sendable {
    public var id: String
    public var structure: Structure

    public init(id: String, structure: Structure) {
        self.id = id
        self.structure = structure
    }
}

/// An input file that could not be read, and why (a set goes on without it).
public struct SkippedFile: Sendable, Codable, Equatable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// Reads sets of structures to evaluate: a directory (searched recursively for structure files),
/// a multi-structure file (anything `StructureFile` reads), or a CDVAE-style CSV (optionally
/// .gz) with a `cif` column.
public enum StructureSet {
    /// Every structure of the set; fails on the first unreadable file.
    public static func read(_ path: String) throws -> [NamedStructure] {
        try read(path, skippingUnreadable: false).structures
    }

    /// Every structure of the set; with `skippingUnreadable`, a folder's unreadable files are
    /// left out and returned with the reason, and only a folder with no readable file fails.
    public static func read(_ path: String, skippingUnreadable: Bool) throws -> (structures: [NamedStructure], skipped: [SkippedFile]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EvaluationError(file: path, "no such file or directory")
        }
        if isDirectory.boolValue { return try readDirectory(path, skippingUnreadable: skippingUnreadable) }
        return (try readFile(path), [])
    }

    private static func readFile(_ path: String) throws -> [NamedStructure] {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".csv.gz") { return try readCSV(URL(fileURLWithPath: path)) }
        let url = URL(fileURLWithPath: path)
        let structures = try StructureFile.read(url)
        let stem = url.lastPathComponent
        return structures.enumerated().map { NamedStructure(id: structures.count == 1 ? stem : "\(stem)#\($0 + 1)", structure: $1) }
    }

    /// CDVAE split files: one CIF per row in column `cif`; ids from `material_id` when present,
    /// otherwise the row number.
    public static func readCSV(_ url: URL) throws -> [NamedStructure] {
        let data: Data
        do { data = try Gzip.readFile(url) } catch {
            throw EvaluationError(file: url.path, "cannot read: \(ErrorText.describe(error))")
        }
        let table: CSVTable
        do { table = try CSVTable(text: String(decoding: data, as: UTF8.self)) } catch let e as CSVError {
            throw EvaluationError(file: url.path, line: e.line, e.reason)
        }
        guard let cif = table.column("cif") else {
            throw EvaluationError(file: url.path, line: table.headerLine,
                                  "no 'cif' column (columns: \(table.header.joined(separator: ", ")))")
        }
        let idColumn = table.column("material_id")
        var out: [NamedStructure] = []
        out.reserveCapacity(table.rows.count)
        for (row, line) in zip(table.rows, table.rowLines) {
            let blocks: [CIFStructure]
            do { blocks = try CIFReader().read(row[cif], file: "\(url.path) (row at line \(line))") } catch {
                throw EvaluationError(file: url.path, line: line, "unreadable CIF: \(ErrorText.describe(error))")
            }
            guard blocks.count == 1 else {
                throw EvaluationError(file: url.path, line: line, "expected one structure in the CIF, found \(blocks.count)")
            }
            let id = idColumn.map { row[$0] } ?? "row\(out.count + 1)"
            out.append(NamedStructure(id: id, structure: blocks[0].structure))
        }
        return out
    }

    private static func readDirectory(_ path: String, skippingUnreadable: Bool) throws -> (structures: [NamedStructure], skipped: [SkippedFile]) {
        let root = URL(fileURLWithPath: path)
        let files: [String]
        do { files = try StructureFile.files(in: root) } catch {
            throw EvaluationError(file: path, "cannot list the directory")
        }
        var out: [NamedStructure] = []
        var skipped: [SkippedFile] = []
        for relative in files {
            let url = root.appendingPathComponent(relative)
            let structures: [Structure]
            do { structures = try StructureFile.read(url) } catch where skippingUnreadable {
                let reason = (error as? CrystalIOError).map { e in e.line.map { "line \($0): \(e.reason)" } ?? e.reason }
                skipped.append(SkippedFile(path: url.path, reason: reason ?? ErrorText.describe(error)))
                continue
            }
            for (k, s) in structures.enumerated() {
                out.append(NamedStructure(id: structures.count == 1 ? relative : "\(relative)#\(k + 1)", structure: s))
            }
        }
        if out.isEmpty, let first = skipped.first {
            throw EvaluationError(file: path, "none of the \(skipped.count) structure files could be read (\(first.path): \(first.reason))")
        }
        return (out, skipped)
    }
}
