import Crystal
@testable import Evaluation
import ReferenceData
import XCTest

/// AFLOW structure types by anonymous matching on real MP structures.
final class StructureTypeFinderTests: XCTestCase {
    func testSpinelPerovskiteAndRandom() throws {
        let mp = try ReferenceStructures.mp()
        func structure(_ id: String) throws -> Structure { mp.structure(at: try XCTUnwrap(mp.index(ofID: id), id)) }
        let finder = try StructureTypeFinder()
        // MgAl2O4 spinel (mp-3536, 14 sites) and MgCr2O4 (mp-19202): the AFLOW spinel, whatever the species;
        // cubic BaTiO3 (mp-2998, 5 sites): the cubic perovskite.
        let spinelMg = try structure("mp-3536"), spinelCr = try structure("mp-19202"), perovskite = try structure("mp-2998")
        // Arbitrary positions with the perovskite's composition and cell: no prototype.
        let frac = [Vec3(0.1, 0.2, 0.3), Vec3(0.7, 0.1, 0.5), Vec3(0.4, 0.9, 0.2), Vec3(0.3, 0.5, 0.8), Vec3(0.85, 0.65, 0.05)]
        let random = Structure(lattice: perovskite.lattice, sites: zip(perovskite.sites, frac).map { Site($0.element, $1) })
        let types = finder.structureTypes([spinelMg, spinelCr, perovskite, random])
        XCTAssertEqual(types[0]?.id, "A2BC4_cF56_227_d_a_e", "\(String(describing: types[0]))")
        XCTAssertTrue(types[0]?.name.hasPrefix("Spinel") == true, "\(String(describing: types[0]))")
        XCTAssertEqual(types[1]?.id, types[0]?.id)
        XCTAssertEqual(types[2]?.id, "AB3C_cP5_221_a_c_b", "\(String(describing: types[2]))")
        XCTAssertNil(types[3], "\(String(describing: types[3]))")
    }

    func testElementMappingsKeepAmounts() throws {
        let abc3 = try Composition("SrTiO3"), other = try Composition("CaTiO3"), spinel = try Composition("MgAl2O4")
        // A and B (one each) may swap; O maps onto O only.
        XCTAssertEqual(StructureTypeFinder.mappings(from: abc3, to: other).count, 2)
        XCTAssertEqual(StructureTypeFinder.mappings(from: spinel, to: try Composition("ZnCr2S4")).count, 1)
        XCTAssertEqual(StructureTypeFinder.mappings(from: spinel, to: abc3).count, 0)
    }
}
