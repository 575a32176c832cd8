import ArgumentParser
import Crystal
import CrystalIO
import Foundation

/// A structure named on the command line, from a file given there or found in a folder given there.
struct StructureInput {
    /// The file's path, with `#k` (k from 1) for the k-th structure of a file holding several.
    let name: String
    let structure: Structure

    /// Every structure of every path, in order (see `StructureSource.find`); fails on the first
    /// unreadable file.
    static func load(_ paths: [String]) throws -> [StructureInput] {
        try StructureSource.find(paths).flatMap { try $0.read() }
    }
}

/// The structure files and folders a command takes as its arguments.
struct StructureFiles: ParsableArguments {
    @Argument(help: "Structure files (CIF, POSCAR/CONTCAR/.vasp, extended XYZ, pymatgen JSON; .gz allowed) or folders (searched recursively).")
    var files: [String]

    /// Every structure of every readable file: one unreadable file among many does not stop the
    /// others. Each unreadable file is reported on stderr ("kiln COMMAND: skipped PATH: reason")
    /// and counted in `skipped` (commands then exit with status 1 after their output); fails,
    /// naming the file, when no file could be read.
    func loadReadable(command: String) throws -> (inputs: [StructureInput], skipped: Int) {
        let sources = try sources()
        var inputs: [StructureInput] = []
        var failures: [String] = []
        for source in sources {
            do { inputs += try source.read() } catch {
                let message = describe(error)
                if sources.count > 1 { printError("kiln \(command): skipped \(message)") }
                failures.append(message)
            }
        }
        if inputs.isEmpty, let first = failures.first {
            throw CommandError(failures.count == 1 ? first : "none of the \(failures.count) structure files could be read; the first: \(first)")
        }
        return (inputs, failures.count)
    }

    /// Every structure file (see `StructureSource.find`).
    func sources() throws -> [StructureSource] { try StructureSource.find(files) }
}

/// A structure file named on the command line or found in a folder named there: the one way
/// every command collects its structure inputs.
struct StructureSource {
    /// The path as given, or for a file found in a folder the folder as given joined with the
    /// path below it.
    let path: String
    /// The path below the folder (the file name for a file given directly) without its format
    /// extension.
    let id: String

    /// The files given plus, for each folder, the structure files below it (recursively; those
    /// whose names `StructureFormat` recognizes), sorted by path. Fails on a path that does not
    /// exist or a folder without structure files.
    static func find(_ paths: [String]) throws -> [StructureSource] {
        var sources: [StructureSource] = []
        for path in paths {
            guard try CommandError.requireExisting(path) else {
                sources.append(StructureSource(path: path, id: stripExtension(URL(fileURLWithPath: path).lastPathComponent)))
                continue
            }
            let below = try CommandError.naming(path) { try StructureFile.files(in: URL(fileURLWithPath: path)) }
            guard !below.isEmpty else { throw CommandError("\(path): no structure files in the folder") }
            sources += below.map { StructureSource(path: (path as NSString).appendingPathComponent($0), id: stripExtension($0)) }
        }
        return sources
    }

    /// Every structure in the file; fails, naming the file, when it cannot be read or holds none.
    func read() throws -> [StructureInput] {
        let structures = try CommandError.naming(path) { try StructureFile.read(URL(fileURLWithPath: path)) }
        guard !structures.isEmpty else { throw CommandError("\(path): no structure in the file") }
        return structures.enumerated().map { k, s in
            StructureInput(name: structures.count == 1 ? path : "\(path)#\(k + 1)", structure: s)
        }
    }

    private static func stripExtension(_ name: String) -> String {
        var s = name
        if s.lowercased().hasSuffix(".gz") { s.removeLast(3) }
        for ext in [".cif", ".mcif", ".extxyz", ".xyz", ".json", ".vasp", ".poscar"] where s.lowercased().hasSuffix(ext) {
            s.removeLast(ext.count)
            break
        }
        return s
    }
}
