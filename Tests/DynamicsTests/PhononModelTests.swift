import Crystal
import Dynamics
import Foundation
import Potentials
import XCTest

/// Finite-displacement phonons on a model with an answer in closed form: a simple cubic crystal of
/// one element with harmonic springs k between nearest neighbours (rest length a). Central springs
/// along x stiffen only x motion, so ω²(q) = (2k/m)(1 − cos 2πq_x) for x-polarised modes, and the
/// same for y and z. Displacing an atom 0.01 Å across a spring stretches it to second order, so the
/// finite differences give the transverse (zero) modes a few hundredths of a THz: the accuracy
/// asked of zero frequencies is 0.05 THz, of the others 0.1 %.
final class PhononModelTests: XCTestCase {
    func expected(_ q: Vec3, mass: Double, k: Double) -> [Double] {
        (0..<3).map { (2 * k / mass * (1 - cos(2 * .pi * q[$0]))).squareRoot() * DynamicalMatrix.thz }.sorted()
    }

    func testSimpleCubicSpringsMatchTheClosedForm() throws {
        let cell = Structure(lattice: .cubic(2.5), species: [try Element("Al")], fracCoords: [.zero])
        var phonons = PhononCalculator(calculator: Springs())
        phonons.relaxFirst = false
        phonons.size = SIMD3(4, 4, 4)
        let supercell = try phonons.supercell(for: cell)
        XCTAssertEqual(supercell.displacements().count, 1, "Oh site symmetry: one displacement, and −d by inversion")
        let r = try phonons.calculate(cell)
        let m = cell.sites[0].element.mass
        for q in [Vec3(0.5, 0, 0), Vec3(0.25, 0.5, 0), Vec3(0.5, 0.5, 0.5), Vec3(0.1, 0.3, 0.2)] {
            let got = r.dynamicalMatrix.frequencies(at: q)
            for (g, e) in zip(got, expected(q, mass: m, k: 2)) { XCTAssertEqual(g, e, accuracy: e < 1 ? 0.05 : 1e-3 * e, "q \(q)") }
        }
        XCTAssertEqual(r.gamma.map { abs($0) }.max()!, 0, accuracy: 1e-4, "acoustic sum rule: three zero modes at Γ")
        XCTAssertTrue(r.dynamicallyStable)
        XCTAssertEqual(r.path.first?.label, "Γ")
        XCTAssertEqual(r.path.compactMap(\.label), ["Γ", "X", "S", "Y", "Γ", "Z", "R"])
    }

    /// The same crystal described by a doubled cell (two atoms, lower symmetry): its Γ point holds the
    /// original zone-boundary frequency 2√(k/m) of x motion.
    func testDoubledCellFoldsTheZoneBoundaryToGamma() throws {
        let al = try Element("Al")
        let cell = Structure(lattice: Lattice([[5, 0, 0], [0, 2.5, 0], [0, 0, 2.5]]), species: [al, al],
                             fracCoords: [.zero, Vec3(0.5, 0, 0)])
        var phonons = PhononCalculator(calculator: Springs())
        phonons.relaxFirst = false
        phonons.size = SIMD3(2, 4, 4)
        let r = try phonons.calculate(cell)
        let top = (4 * 2 / al.mass).squareRoot() * DynamicalMatrix.thz
        XCTAssertEqual(r.gamma.count, 6)
        XCTAssertEqual(r.gamma.last!, top, accuracy: 1e-3 * top)
        XCTAssertEqual(r.gamma.filter { abs($0) < 0.05 }.count, 5, "three acoustic modes and two flat transverse ones")
        // Its (½, 0, 0) is the original (¼, 0, 0) folded with (¾, 0, 0) ≡ (−¼, 0, 0).
        let folded = r.dynamicalMatrix.frequencies(at: Vec3(0.5, 0, 0)).filter { $0 > 0.05 }
        let quarter = expected(Vec3(0.25, 0, 0), mass: al.mass, k: 2).last!
        XCTAssertEqual(folded, [quarter, quarter].map { $0 }, accuracy: 1e-3)
    }

    func testRefusalsAreClear() throws {
        let cell = Structure(lattice: .cubic(2.5), species: [try Element("Al")], fracCoords: [.zero])
        var phonons = PhononCalculator(calculator: Springs())
        phonons.relaxFirst = false
        phonons.size = SIMD3(10, 10, 10)
        XCTAssertThrowsError(try phonons.calculate(cell)) { XCTAssert("\($0)".contains("has 1000 atoms (limit 500)"), "\($0)") }
        phonons.size = SIMD3(4, 4, 4)
        phonons.timeLimit = 1e-9
        XCTAssertThrowsError(try phonons.calculate(cell)) { XCTAssert("\($0)".contains("would take about"), "\($0)") }
        phonons.size = SIMD3(0, 1, 1)
        XCTAssertThrowsError(try phonons.calculate(cell)) { XCTAssert("\($0)".contains("must be ≥ 1"), "\($0)") }
    }
}

func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "\(a) vs \(b)", file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}
