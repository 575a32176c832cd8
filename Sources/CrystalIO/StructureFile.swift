import Crystal
import Foundation
import KilnSupport

/// The file formats `StructureFile` reads and writes.
public enum StructureFormat: String, CaseIterable, Sendable {
    case cif, poscar, extxyz, json

    /// The format a file name implies: `.cif`; `POSCAR*`, `CONTCAR*`, `*.vasp`, `*.poscar`;
    /// `.xyz`, `.extxyz`; `.json`. A trailing `.gz` is ignored. Nil when none fits.
    public init?(fileName: String) {
        var name = fileName.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if name.hasSuffix(".cif") || name.hasSuffix(".mcif") { self = .cif }
        else if name.hasSuffix(".xyz") || name.hasSuffix(".extxyz") { self = .extxyz }
        else if name.hasSuffix(".json") { self = .json }
        else if name.hasSuffix(".vasp") || name.hasSuffix(".poscar") || name.hasPrefix("poscar") || name.hasPrefix("contcar")
                    || name.contains("poscar") || name.contains("contcar") { self = .poscar }
        else { return nil }
    }
}

/// Reads and writes structure files, choosing the format from the file name (see
/// `StructureFormat`); `.gz` files are decompressed/compressed transparently.
public enum StructureFile {
    /// Most bytes a compressed structure file may expand to (256 MiB, about two million sites in
    /// any supported format): a hostile or corrupt `.gz` stops there instead of filling memory.
    public static let maxDecompressedBytes = 256 << 20

    /// Paths relative to `folder`, sorted, of every file below it (recursively) whose name has a
    /// structure-file extension.
    public static func files(in folder: URL) throws -> [String] {
        let root = folder.standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw CrystalIOError(file: folder.path, "cannot list the folder")
        }
        return walker.compactMap { $0 as? URL }
            .filter { !$0.hasDirectoryPath && StructureFormat(fileName: $0.lastPathComponent) != nil }
            .map { String($0.standardizedFileURL.path.dropFirst(root.path.count + 1)) }
            .sorted()
    }

    /// Every structure in the file: all CIF data blocks with atoms, all XYZ frames, all JSON
    /// list entries, or the one POSCAR structure. Left-handed lattices are put on a right-handed basis
    /// (`Structure.rightHanded()`), so stresses and volumes keep their usual signs.
    public static func read(_ url: URL, format: StructureFormat? = nil) throws -> [Structure] {
        let name = url.lastPathComponent
        guard let format = format ?? StructureFormat(fileName: name) else {
            throw CrystalIOError(file: url.path, "cannot tell the format from the name '\(name)' (use .cif, .vasp/POSCAR/CONTCAR, .xyz/.extxyz or .json)")
        }
        let data: Data
        do { data = try Gzip.readFile(url, limit: maxDecompressedBytes) } catch let e as Gzip.Failure {
            if let limit = e.exceededLimit {
                throw CrystalIOError(file: url.path, "decompresses to more than \(Gzip.sizeText(limit)), the limit for a structure file")
            }
            throw CrystalIOError(file: url.path, "cannot decompress: \(e)")
        } catch {
            throw CrystalIOError(file: url.path, "cannot read: \(ErrorText.describe(error))")
        }
        return try read(data: data, format: format, file: url.path)
    }

    /// Structures from file contents already in memory.
    public static func read(data: Data, format: StructureFormat, file: String = "<data>") throws -> [Structure] {
        let structures: [Structure]
        switch format {
        case .cif: structures = try CIFReader().read(String(decoding: data, as: UTF8.self), file: file).map(\.structure)
        case .poscar: structures = [try POSCAR(text: String(decoding: data, as: UTF8.self), file: file).structure]
        case .extxyz: structures = try ExtendedXYZ.read(String(decoding: data, as: UTF8.self), file: file)
        case .json: structures = try StructureJSON.read(data, file: file)
        }
        return structures.map { $0.rightHanded() }
    }

    /// File contents for the structures in a format.
    public static func data(_ structures: [Structure], format: StructureFormat, file: String = "<data>") throws -> Data {
        guard !structures.isEmpty else { throw CrystalIOError(file: file, "nothing to write") }
        switch format {
        case .cif: return Data(CIFWriter().string(structures).utf8)
        case .poscar:
            guard structures.count == 1 else {
                throw CrystalIOError(file: file, "a POSCAR holds one structure, not \(structures.count)")
            }
            do { return Data(try POSCAR(structure: structures[0]).string().utf8) } catch let e as CrystalIOError {
                throw CrystalIOError(file: file, e.reason)
            }
        case .extxyz:
            do { return Data(try ExtendedXYZ.string(structures).utf8) } catch let e as CrystalIOError {
                throw CrystalIOError(file: file, e.reason)
            }
        case .json: return try StructureJSON.data(structures)
        }
    }

    /// Writes one or more structures, gzip-compressed when the name ends in `.gz`.
    public static func write(_ structures: [Structure], to url: URL, format: StructureFormat? = nil) throws {
        let name = url.lastPathComponent
        guard let format = format ?? StructureFormat(fileName: name) else {
            throw CrystalIOError(file: url.path, "cannot tell the format from the name '\(name)'")
        }
        var data = try self.data(structures, format: format, file: url.path)
        if name.lowercased().hasSuffix(".gz") { data = try Gzip.compress(data) }
        do { try data.write(to: url, options: .atomic) } catch {
            throw CrystalIOError(file: url.path, "cannot write: \(ErrorText.describe(error))")
        }
    }

    public static func write(_ structure: Structure, to url: URL, format: StructureFormat? = nil) throws {
        try write([structure], to: url, format: format)
    }
}
