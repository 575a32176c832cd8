import Crystal
import Foundation
import Potentials
import Tensor
import XCTest

/// What CHGNet refuses, and the structures it handles without neighbours.
final class CHGNetInputTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        ProcessSettings.applyForInference()
    }

    func testDenseCellIsRefusedBeforeBuildingTheGraph() throws {
        let model = try CHGNet()
        // 8 atoms in a 1 Å cube: ~7 million bond angles within 3 Å.
        let frac = (0..<8).map { Vec3(Double($0 & 1), Double(($0 >> 1) & 1), Double($0 >> 2)) * 0.5 }
        let s = Structure(lattice: .cubic(1), species: Array(repeating: try Element("Si"), count: 8), fracCoords: frac)
        let start = Date()
        XCTAssertThrowsError(try model.calculate(s, properties: .all)) { error in
            guard case CalculatorError.graphTooLarge(let why) = error else { return XCTFail("\(error)") }
            XCTAssert(why.contains("GB"), why)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    func testUnsupportedElementAndOverlapAreRefused() throws {
        let model = try CHGNet()
        let am = Structure(lattice: .cubic(4), species: [try Element("Am")], fracCoords: [.zero])
        XCTAssertThrowsError(try model.calculate(am, properties: .energy)) { error in
            guard case CalculatorError.unsupportedElement(let why) = error else { return XCTFail("\(error)") }
            XCTAssert(why.contains("Am"), why)
        }
        let na = try Element("Na")
        let twin = Structure(lattice: .cubic(4), species: [na, na], fracCoords: [Vec3(0.1, 0.1, 0.1), Vec3(0.1, 0.1, 0.1)])
        XCTAssertThrowsError(try model.calculate(twin, properties: .energy)) { error in
            guard case CalculatorError.invalidStructure = error else { return XCTFail("\(error)") }
        }
    }

    /// An atom with no neighbour within 6 Å gets no messages (CHGNet's calculator only warns):
    /// zero force, the energy of two far-apart atoms is the sum of both alone, and both match
    /// chgnet 0.4.2 (`on_isolated_atoms="warn"`) on O + H in a 20 Å cube: −3.9150534 eV,
    /// magmoms 0.0631372 and 0.0568333 µB.
    func testIsolatedAtoms() throws {
        let model = try CHGNet()
        let h = try Element("H"), o = try Element("O")
        let single = Structure(lattice: .cubic(20), species: [o], fracCoords: [.zero])
        let pair = Structure(lattice: .cubic(20), species: [o, h], fracCoords: [.zero, Vec3(0.5, 0.5, 0.5)])
        let lone = Structure(lattice: .cubic(20), species: [h], fracCoords: [.zero])
        let e1 = try model.calculate(single, properties: .all)
        let e2 = try model.calculate(pair, properties: .all)
        let e3 = try model.calculate(lone, properties: .all)
        XCTAssert(e2.energy.isFinite)
        XCTAssertEqual(e2.energy, e1.energy + e3.energy, accuracy: 1e-5)
        XCTAssertEqual(e2.forces.map { norm($0) }.max()!, 0, accuracy: 1e-12)
        XCTAssertEqual(e2.energy, -3.9150534, accuracy: 4e-5)
        XCTAssertEqual(e2.magmoms[0], 0.0631372, accuracy: 1e-4)
        XCTAssertEqual(e2.magmoms[1], 0.0568333, accuracy: 1e-4)
        XCTAssertEqual(e2.stress![0, 0], 0, accuracy: 1e-12)
    }

    func testSafeTensorsReaderRejectsMalformedFiles() throws {
        XCTAssertThrowsError(try SafeTensors(data: Data([1, 2, 3])))
        var header = Data("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var file = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(header)
        XCTAssertThrowsError(try SafeTensors(data: file), "data section shorter than declared")
        withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian) { file.append(contentsOf: $0) }
        withUnsafeBytes(of: Float(-2).bitPattern.littleEndian) { file.append(contentsOf: $0) }
        let t = try SafeTensors(data: file)
        XCTAssertEqual(try t.floats("x", shape: [2]), [1.5, -2])
        XCTAssertThrowsError(try t.floats("x", shape: [3]))
        XCTAssertThrowsError(try t.floats("y"))
    }
}
