import ArgumentParser
import Crystal
import CrystalIO
import Foundation

/// `kiln convert IN OUT`: converts between structure file formats chosen by extension.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a structure file; formats follow the names (.cif, POSCAR/CONTCAR/.vasp, .xyz/.extxyz, .json, each optionally .gz).",
        discussion: "A structure the output format cannot hold (e.g. two atoms on one spot, which a CIF reader merges) is refused, so every file written reads back.")

    @Argument(help: "Input structure file.")
    var input: String

    @Argument(help: "Output structure file.")
    var output: String

    @Option(help: "Write only the k-th structure (1-based) when the input holds several (CIF blocks, XYZ frames).")
    var index: Int?

    func validate() throws {
        if let index, index < 1 { throw ValidationError("--index must be at least 1") }
        guard StructureFormat(fileName: URL(fileURLWithPath: output).lastPathComponent) != nil else {
            throw ValidationError("cannot tell the output format from '\(output)' (use .cif, .vasp/POSCAR/CONTCAR, .xyz/.extxyz or .json)")
        }
    }

    func run() throws {
        var structures = try StructureInput.load([input]).map(\.structure)
        if let index {
            guard index <= structures.count else {
                throw CommandError("\(input): --index \(index) is out of range: the file holds \(structures.count) structure(s)")
            }
            structures = [structures[index - 1]]
        }
        try requireReadableBack(structures)
        try CommandError.naming(output) { try StructureFile.write(structures, to: URL(fileURLWithPath: output)) }
        let summary = structures.map { "\($0.composition.reducedFormula) (\($0.count) sites)" }.joined(separator: ", ")
        print("wrote \(structures.count) structure(s) to \(output): \(summary)")
    }

    /// Refuses structures that the output format cannot hold, so convert never writes a file Kiln
    /// cannot read back (two atoms on one spot: a CIF reader merges them into one over-full site).
    private func requireReadableBack(_ structures: [Structure]) throws {
        let format = StructureFormat(fileName: URL(fileURLWithPath: output).lastPathComponent)!
        let data = try CommandError.naming(output) { try StructureFile.data(structures, format: format, file: output) }
        do {
            let back = try StructureFile.read(data: data, format: format, file: output)
            guard back.map(\.count) == structures.map(\.count) else {
                throw CommandError("it would read back with \(back.map(\.count)) sites instead of \(structures.map(\.count))")
            }
        } catch {
            let problem = structures.lazy.flatMap { $0.problems() }.first.map { "; \(input): \($0)" } ?? ""
            throw CommandError("refusing to write \(output): Kiln could not read it back (\(describe(error)))\(problem)")
        }
    }
}
