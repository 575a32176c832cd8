import ArgumentParser
import Crystal
import CrystalIO
import Foundation

/// `kiln convert IN OUT`: converts between structure file formats chosen by extension.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a structure file; formats follow the names (.cif, POSCAR/CONTCAR/.vasp, .xyz/.extxyz, .json, each optionally .gz).")

    @Argument(help: "Input structure file.")
    var input: String

    @Argument(help: "Output structure file.")
    var output: String

    @Option(help: "Write only the k-th structure (1-based) when the input holds several (CIF blocks, XYZ frames).")
    var index: Int?

    func run() throws {
        do {
            var structures = try StructureFile.read(URL(fileURLWithPath: input))
            if let index {
                guard (1...structures.count).contains(index) else {
                    throw CrystalIOError(file: input, "--index \(index) is out of range: the file holds \(structures.count) structure(s)")
                }
                structures = [structures[index - 1]]
            }
            try StructureFile.write(structures, to: URL(fileURLWithPath: output))
            let summary = structures.map { "\($0.composition.reducedFormula) (\($0.count) sites)" }.joined(separator: ", ")
            print("wrote \(structures.count) structure(s) to \(output): \(summary)")
        } catch let error as CrystalIOError {
            FileHandle.standardError.write(Data("kiln convert: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
