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

/// Reads sets of structures to evaluate: a directory (searched recursively for structure files),
/// a multi-structure file (anything `StructureFile` reads), or a CDVAE-style CSV (optionally
/// .gz) with a `cif` column.
public enum StructureSet {
    public static func read(_ path: String) throws -> [NamedStructure] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EvaluationError(file: path, "no such file or directory")
        }
        if isDirectory.boolValue { return try readDirectory(path) }
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

    private static func readDirectory(_ path: String) throws -> [NamedStructure] {
        let root = URL(fileURLWithPath: path)
        let files: [String]
        do { files = try StructureFile.files(in: root) } catch {
            throw EvaluationError(file: path, "cannot list the directory")
        }
        var out: [NamedStructure] = []
        for relative in files {
            let structures = try StructureFile.read(root.appendingPathComponent(relative))
            for (k, s) in structures.enumerated() {
                out.append(NamedStructure(id: structures.count == 1 ? relative : "\(relative)#\(k + 1)", structure: s))
            }
        }
        return out
    }
}
