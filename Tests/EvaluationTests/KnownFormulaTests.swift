import Crystal
import Evaluation
import ReferenceData
import XCTest

/// The MP composition tables widen "known composition"; hidden formulas stay hidden from them.
final class KnownFormulaTests: XCTestCase {
    func testCompositionTablesAreKnownUnlessHidden() throws {
        let meta = try MPKnownFormulas.metadata()
        let rows = try MPKnownFormulas.rows()
        XCTAssertEqual(rows.count, meta.formulaCount)
        XCTAssertEqual(meta.tables.reduce(0) { $0 + $1.added }, rows.count)
        XCTAssertEqual(Set(rows.map(\.source)), ["mp_e_hull", "mp20"])

        // Not in the energy table or the MP structures (the list holds only formulas they lack), so known only through the list.
        let formula = try Composition(rows[0].formula)
        let els = Set(formula.elements)
        XCTAssertFalse(try NoveltyChecker.materialsProject(elements: els).isNovelFormula(formula))
        XCTAssertTrue(try NoveltyChecker.materialsProject(elements: els, hiddenFormulas: [formula.reducedFormula]).isNovelFormula(formula))
    }
}
