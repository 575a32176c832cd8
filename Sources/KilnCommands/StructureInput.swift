import ArgumentParser
import Crystal
import CrystalIO
import Foundation

/// Structures named by the user on the command line: files (any format StructureFile reads,
/// optionally gzip-compressed) or folders of such files.
struct StructureInput {
    let name: String
    let structure: Structure

    /// Reads every path; a folder contributes its structure files in name order. A file holding
    /// several structures (CIF blocks, XYZ frames) gives names `file#1`, `file#2`, ….
    static func load(_ paths: [String]) throws -> [StructureInput] {
        var out: [StructureInput] = []
        for path in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                throw ValidationError("\(path): no such file or folder")
            }
            let files: [URL]
            if isDir.boolValue {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                files = names.filter { StructureFormat(fileName: $0) != nil }
                    .map { URL(fileURLWithPath: path).appendingPathComponent($0) }
            } else {
                files = [URL(fileURLWithPath: path)]
            }
            for url in files {
                let structures = try StructureFile.read(url)
                for (i, s) in structures.enumerated() {
                    out.append(StructureInput(name: structures.count == 1 ? url.path : "\(url.path)#\(i + 1)", structure: s))
                }
            }
        }
        return out
    }
}

/// Writes a message to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Pretty, key-sorted JSON text of a JSONSerialization-compatible object.
func jsonText(_ object: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self)
}
