import Crystal
import XCTest

final class CompositionTests: XCTestCase {
    func testParsesWhatUsersWrite() throws {
        let cases: [(String, String)] = [
            ("Fe2O3", "Fe2O3"), ("Ca3(PO4)2", "Ca3(PO4)2"), ("[Co(NH3)6]Cl3", "Co(NH3)6Cl3"),
            ("Li0.5CoO2", "Li0.5CoO2"), ("CuSO4·5H2O", "CuSO4H10O5"), ("CuSO4*5H2O", "CuSO4H10O5"),
            ("Fe4O6", "Fe2O3"), ("O2", "O2"), ("LiO", "LiO"), ("Li2O2", "LiO2"), ("H2O", "H2O"),
        ]
        for (input, _) in cases { XCTAssertNoThrow(try Composition(input), input) }
        XCTAssertEqual(try Composition("CuSO4·5H2O")[try Element("O")], 9)
        XCTAssertEqual(try Composition("CuSO4·5H2O")[try Element("H")], 10)
        XCTAssertEqual(try Composition("[Co(NH3)6]Cl3")[try Element("H")], 18)
        XCTAssertEqual(try Composition("Li0.5CoO2")[try Element("Li")], 0.5)
    }

    func testReducedFormulaFollowsPymatgen() throws {
        let expect: [String: String] = [
            "Fe4O6": "Fe2O3", "Li2O2": "Li2O2", "O4": "O2", "Li4Fe4O8": "LiFeO2", "H2O2": "H2O2",
            "Fe2S3O12": "Fe2(SO4)3", "Li2Fe2P2O8": "LiFePO4", "Li0.5CoO2": "Li0.5Co1O2", "NaCl": "NaCl",
            "Na2O2": "Na2O2", "N2": "N2", "Si8O16": "SiO2",
        ]
        for (input, want) in expect {
            XCTAssertEqual(try Composition(input).reducedFormula, want, input)
        }
        XCTAssertEqual(try Composition("Li2O2").formulaUnits, 1)
        XCTAssertEqual(try Composition("Fe4O6").formulaUnits, 2)
    }

    func testDerivedQuantities() throws {
        let c = try Composition("LiFeO2")
        XCTAssertEqual(c.chemicalSystem, "Fe-Li-O")
        XCTAssertEqual(c.anonymizedFormula, "ABC2")
        XCTAssertEqual(c.numAtoms, 4)
        XCTAssertEqual(c.weight, 6.941 + 55.845 + 2 * 15.9994, accuracy: 1e-3)
        XCTAssertEqual(c.fractional[try Element("O")], 0.5)
        XCTAssertEqual(try Composition("Fe2O3"), try Composition("O3Fe2"))
    }

    func testBadFormulasAreRejectedWithReasons() {
        for bad in ["", "Xx2", "Fe2O3)", "(FeO", "fe2o3", "Fe-2", "()"] {
            XCTAssertThrowsError(try Composition(bad), bad) { error in
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
        XCTAssertThrowsError(try Element("Qq")) { XCTAssertEqual("\($0)", "unknown element symbol 'Qq'") }
    }

    func testElementTable() throws {
        let fe = try Element("Fe")
        XCTAssertEqual(fe.z, 26)
        XCTAssertEqual(fe.row, 4)
        XCTAssertEqual(fe.group, 8)
        XCTAssertEqual(fe.block, "d")
        XCTAssertEqual(fe.electronegativity, 1.83)
        XCTAssertEqual(fe.data.commonOxidationStates, [2, 3])
        XCTAssertFalse(fe.data.magpie.isEmpty)
        XCTAssertNotNil(fe.data.hhiProduction)
        XCTAssertEqual(Element.all.count, 118)
        XCTAssertEqual(try Element("La").block, "f")
    }
}
