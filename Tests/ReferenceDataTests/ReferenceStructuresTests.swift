import Crystal
import Foundation
import ReferenceData
import XCTest

final class ReferenceStructuresTests: XCTestCase {
    func testMaterialsProjectSet() throws {
        let mp = try ReferenceStructures.load(.materialsProject)
        XCTAssertEqual(mp.count, 36737)
        XCTAssertEqual(mp.indices.reduce(0) { $0 + mp.siteCount(at: $1) }, 949_393)

        let bate = mp[try XCTUnwrap(mp.index(ofID: "mp-1000"))]
        XCTAssertEqual(bate.formula, "BaTe")
        XCTAssertEqual(bate.formationEnergyPerAtom ?? 0, -1.79233721, accuracy: 1e-7)
        XCTAssertEqual(bate.bandGap ?? 0, 1.593, accuracy: 1e-9)
        XCTAssertEqual(bate.structure.lattice.matrix[0].x, 4.34157238, accuracy: 1e-6)
        XCTAssertEqual(bate.structure.lattice.matrix[1].y, 4.09327369, accuracy: 1e-6)
        XCTAssertEqual(bate.structure.elements.map(\.symbol), ["Ba", "Te"])
        XCTAssertEqual(bate.structure.sites[1].frac, Vec3(0.5, 0.5, 0.5))

        // Whole-file checksums against the source JSON (lattice and coordinates rounded to 1e-6 when bundled).
        var lattice = 0.0, frac = 0.0, energy = 0.0, gap = 0.0
        for i in mp.indices {
            let r = mp[i]
            lattice += r.structure.lattice.matrix.array.joined().reduce(0) { $0 + abs($1) }
            frac += r.structure.fracCoords.reduce(0) { $0 + $1.sum() }
            energy += r.formationEnergyPerAtom ?? .nan
            gap += r.bandGap ?? .nan
        }
        XCTAssertEqual(lattice, 972866.7708743173, accuracy: 0.05)
        // Source sum 1356980.8655660895 less one coordinate, 0.99999973, stored wrapped as 0.
        XCTAssertEqual(frac, 1356979.8656470496, accuracy: 1e-4)
        XCTAssertEqual(energy, -56924.38968653555, accuracy: 1e-3)
        XCTAssertEqual(gap, 52720.65129999978, accuracy: 1e-3)

        // Every record decodes to an ordered structure whose composition gives the stored formula.
        var failures: [String] = []
        for i in mp.indices {
            let comp = mp.composition(at: i)
            if comp.reducedFormula != mp.formula(at: i) || !mp.isOrdered(at: i) {
                failures.append("\(mp.id(at: i)): \(comp.reducedFormula) vs \(mp.formula(at: i))")
            }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) records disagree: \(failures.prefix(10))")
    }

    func testAFLOWPrototypes() throws {
        let aflow = try ReferenceStructures.aflowPrototypes()
        XCTAssertEqual(aflow.name, "aflow_prototypes")
        XCTAssertEqual(aflow.count, 1043)
        XCTAssertEqual(aflow.indices.reduce(0) { $0 + aflow.siteCount(at: $1) }, 41_927)
        XCTAssertEqual(aflow.indices.filter { !aflow.isOrdered(at: $0) }.count, 32)
        let rocksalt = aflow[try XCTUnwrap(aflow.index(ofID: "AB_cF8_225_a_b"))]
        XCTAssertEqual(rocksalt.formula, "NaCl")
        XCTAssertEqual(rocksalt.metadata["strukturbericht"], "B1")
        XCTAssertEqual(rocksalt.metadata["spacegroup_number"], "225")
        XCTAssertNil(rocksalt.formationEnergyPerAtom)
        XCTAssertEqual(rocksalt.structure.lattice.a, 5.63931, accuracy: 1e-6)
        XCTAssertEqual(rocksalt.structure.minimumDistance, 5.63931 / 2, accuracy: 1e-5)
        // Partly occupied sites keep their occupancies.
        let disordered = aflow[try XCTUnwrap(aflow.indices.first { !aflow.isOrdered(at: $0) })]
        XCTAssert(disordered.structure.sites.contains { $0.occupancy.contains { $0.occupancy < 1 } }, disordered.id)
    }
}
