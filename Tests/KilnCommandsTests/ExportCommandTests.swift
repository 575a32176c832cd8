import Foundation
import XCTest
@testable import KilnCommands

/// `kiln export dft --code vasp`: one folder of MPRelaxSet inputs per structure; bad input refused
/// (the pw.x inputs: DFTTests/QERoundTripTests).
final class ExportCommandTests: CommandTestCase {
    func testWritesVASPInputsPerStructure() throws {
        let file = try write([try rockSalt(primitive: true), try rockSalt(primitive: false)], "two.extxyz")
        let text = try run(["export", "dft", "--code", "vasp", file, "--out", path("vasp")])
        XCTAssertEqual(text.split(separator: "\n").count, 2, text)
        let folders = try FileManager.default.contentsOfDirectory(atPath: path("vasp")).sorted()
        XCTAssertEqual(folders.count, 2, "\(folders)")
        for f in folders {
            let names = try FileManager.default.contentsOfDirectory(atPath: path("vasp/\(f)")).sorted()
            XCTAssertEqual(names, ["INCAR", "KPOINTS", "POSCAR", "POTCAR.spec"])
        }
        assertUsageError(["export", "dft", "--code", "cp2k", file, "--out", "x"], "--code")
        assertUsageError(["export", "dft", "--code", "qe", file, "--out", "x"], "--pseudo-dir")
        assertUsageError(["export", "dft", "--code", "qe", "--pseudo-dir", "/tmp", "--calculation", "md", file, "--out", "x"], "--calculation")
        assertUsageError(["export", "dft", "--code", "vasp", file], "--out")
    }
}
