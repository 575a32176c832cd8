import Crystal
import Generation
import XCTest

final class WyckoffCellTests: XCTestCase {
    /// Generator cells: their labels give back the template, their structures read back into the
    /// same parameters, and they are spaced.
    func testParametersRoundTripThroughStructures() throws {
        let target = try GenerationTarget(systems: ["Li-Mn-O", "Ba-Ti-O"], maxAtoms: 12)
        let cells = try RandomSymmetricGenerator().cells(target: target, count: 20, seed: 9)
        let candidates = try RandomSymmetricGenerator().generate(target: target, budget: 20, seed: 9)
        XCTAssertEqual(cells.map(\.structure), candidates.map(\.structure))
        /// Lattice parameters are recomputed from the cell's matrix; coordinates compare modulo 1.
        let tolerance = 1e-9
        var failures: [String] = []
        for (k, cell) in cells.enumerated() {
            let template = try WyckoffCell.Template(spaceGroup: cell.template.spaceGroup,
                                                    wyckoffPositions: cell.template.wyckoffPositions)
            XCTAssertEqual(template, cell.template)
            XCTAssertEqual(template.siteCount, cell.structure.count)
            XCTAssertEqual(template.composition.reducedFormula, cell.structure.reducedFormula)
            XCTAssertTrue(cell.isSpaced(distanceFactor: 0.75), "#\(k)")
            guard let back = WyckoffCell(template: template, structure: cell.structure) else {
                failures.append("#\(k) SG \(template.spaceGroup) does not read back"); continue
            }
            for (i, (a, b)) in zip(back.parameters, cell.parameters).enumerated() {
                var d = a - b
                if template.parameters[i] == .coordinate { d -= d.rounded() }
                if abs(d) > tolerance { failures.append("#\(k) SG \(template.spaceGroup) parameter \(i): \(a) vs \(b)") }
            }
        }
        XCTAssert(failures.isEmpty, "\(failures.prefix(10))")
    }

    /// A cell squeezed to a tenth of its edges is no longer spaced; wrong sites do not read back.
    func testSpacingAndMismatch() throws {
        let target = try GenerationTarget(systems: ["Na-Cl"])
        let cell = try RandomSymmetricGenerator().cells(target: target, count: 1, seed: 2)[0]
        var squeezed = cell
        for i in cell.template.parameters.indices where cell.template.parameters[i] == .length { squeezed.parameters[i] /= 10 }
        XCTAssertFalse(squeezed.isSpaced(distanceFactor: 0.75))
        var wrong = cell.structure
        wrong.sites.removeLast()
        XCTAssertNil(WyckoffCell(template: cell.template, structure: wrong))
        XCTAssertThrowsError(try WyckoffCell.Template(spaceGroup: 225, wyckoffPositions: ["Na 4q"])) {
            XCTAssert("\($0)".contains("'Na 4q' is not a Wyckoff position of space group 225"), "\($0)")
        }
    }
}
