import Crystal
import Foundation
import Potentials
import Tensor
import XCTest

/// What SevenNet refuses (elements it was not trained on, overlapping atoms, graphs too large,
/// missing or corrupt model files) and structures without neighbours.
final class SevenNetInputTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        ProcessSettings.applyForInference()
    }

    func testDenseCellIsRefusedBeforeBuildingTheGraph() throws {
        let model = try SevenNet(bundled: "sevennet-0")
        // 64 atoms in a 2 Å cube: ~2 million neighbour pairs within 5 Å.
        let frac = (0..<64).map { Vec3(Double($0 & 3), Double(($0 >> 2) & 3), Double($0 >> 4)) * 0.25 }
        let s = Structure(lattice: .cubic(2), species: Array(repeating: try Element("Si"), count: 64), fracCoords: frac)
        let start = Date()
        XCTAssertThrowsError(try model.calculate(s, properties: .all)) { error in
            guard case CalculatorError.graphTooLarge(let why) = error else { return XCTFail("\(error)") }
            XCTAssert(why.contains("GB"), why)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    func testUnsupportedElementAndOverlapAreRefused() throws {
        for name in ["sevennet-0", "sevennet-l3i5"] {
            let model = try SevenNet(bundled: name)
            let po = Structure(lattice: .cubic(4), species: [try Element("Po")], fracCoords: [.zero])
            XCTAssertThrowsError(try model.calculate(po, properties: .energy)) { error in
                guard case CalculatorError.unsupportedElement(let why) = error else { return XCTFail("\(error)") }
                XCTAssert(why.contains("Po") && why.contains(name), why)
            }
        }
        let model = try SevenNet(bundled: "sevennet-0")
        let na = try Element("Na")
        let twin = Structure(lattice: .cubic(4), species: [na, na], fracCoords: [Vec3(0.1, 0.1, 0.1), Vec3(0.1, 0.1, 0.1)])
        XCTAssertThrowsError(try model.calculate(twin, properties: .energy)) { error in
            guard case CalculatorError.invalidStructure(let why) = error else { return XCTFail("\(error)") }
            XCTAssert(why.contains("overlap"), why)
        }
    }

    /// Atoms with no neighbour within 5 Å: the energy of two far-apart atoms is the sum of both
    /// alone, with zero forces and stress.
    func testIsolatedAtoms() throws {
        let model = try SevenNet(bundled: "sevennet-0")
        let h = try Element("H"), o = try Element("O")
        let single = try model.calculate(Structure(lattice: .cubic(20), species: [o], fracCoords: [.zero]), properties: .all)
        let pair = try model.calculate(Structure(lattice: .cubic(20), species: [o, h], fracCoords: [.zero, Vec3(0.5, 0.5, 0.5)]),
                                       properties: .all)
        let lone = try model.calculate(Structure(lattice: .cubic(20), species: [h], fracCoords: [.zero]), properties: .all)
        XCTAssert(pair.energy.isFinite)
        XCTAssertEqual(pair.energy, single.energy + lone.energy, accuracy: 1e-5)
        XCTAssertEqual(pair.forces.map { norm($0) }.max()!, 0, accuracy: 1e-12)
        XCTAssertEqual(pair.stress![0, 0], 0, accuracy: 1e-12)
        XCTAssert(pair.magmoms.isEmpty)
    }

    func testMissingAndCorruptModelFilesAreClearErrors() throws {
        let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Potentials/Resources/sevennet-0")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sevennet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: bundled.appendingPathComponent("config.json"), to: folder.appendingPathComponent("config.json"))
        func expectModelFileError(_ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try SevenNet(directory: folder), file: file, line: line) { error in
                guard case CalculatorError.modelFile(let why) = error else { return XCTFail("\(error)", file: file, line: line) }
                XCTAssert(why.contains(fragment), why, file: file, line: line)
            }
        }
        expectModelFileError("weights.safetensors")  // missing
        let weights = try Data(contentsOf: bundled.appendingPathComponent("weights.safetensors"))
        try weights.prefix(weights.count / 2).write(to: folder.appendingPathComponent("weights.safetensors"))
        expectModelFileError("weights.safetensors")  // truncated
        try weights.write(to: folder.appendingPathComponent("weights.safetensors"))
        XCTAssertNoThrow(try SevenNet(directory: folder))
        try Data("{\"model\": \"x\"}".utf8).write(to: folder.appendingPathComponent("config.json"))
        expectModelFileError("config.json")
    }
}
