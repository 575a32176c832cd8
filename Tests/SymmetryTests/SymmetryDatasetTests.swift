import Crystal
import Symmetry
import XCTest

/// Dataset behaviour beyond the fixtures: failures come back as `SymmetryError` values with
/// spglib's own message (never crashes), site typing, operations and their Cartesian form.
final class SymmetryDatasetTests: XCTestCase {
    let cubic = Lattice.cubic(4)

    func testAtomsOnTopOfEachOtherReportSpglibError() throws {
        let s = Structure(lattice: cubic, species: [try Element("Na"), try Element("Na")],
                          fracCoords: [Vec3(0, 0, 0), Vec3(0, 0, 0)])
        XCTAssertThrowsError(try SymmetryDataset(s)) { error in
            guard case let .spglib(code, message)? = error as? SymmetryError else { return XCTFail("\(error)") }
            XCTAssertEqual(code, 4)  // SPGERR_ATOMS_TOO_CLOSE
            XCTAssertEqual(message, "too close distance between atoms")
        }
        XCTAssertThrowsError(try s.standardized(.primitive)) { XCTAssert($0 is SymmetryError) }
    }

    func testUnusableInputIsRejectedBeforeSpglib() throws {
        let empty = Structure(lattice: cubic, sites: [])
        XCTAssertThrowsError(try SymmetryDataset(empty)) {
            XCTAssertEqual($0 as? SymmetryError, .invalidInput("the structure has no sites"))
        }
        let flat = Structure(lattice: Lattice([[4, 0, 0], [4, 0, 0], [0, 0, 4]]), species: [try Element("Na")],
                             fracCoords: [Vec3(0, 0, 0)])
        XCTAssertThrowsError(try SymmetryDataset(flat)) { XCTAssert("\($0)".contains("singular")) }
        let na = Structure(lattice: cubic, species: [try Element("Na")], fracCoords: [Vec3(0, 0, 0)])
        XCTAssertThrowsError(try SymmetryDataset(na, symprec: 0)) { XCTAssert("\($0)".contains("symprec")) }
        XCTAssertThrowsError(try SymmetryDataset(na, symprec: .nan)) { XCTAssert("\($0)".contains("symprec")) }
        XCTAssertThrowsError(try SymmetryDataset(na, angleTolerance: 0)) { XCTAssert("\($0)".contains("angle")) }
        let nanSite = Structure(lattice: cubic, species: [try Element("Na")], fracCoords: [Vec3(.nan, 0, 0)])
        XCTAssertThrowsError(try SymmetryDataset(nanSite)) { XCTAssert("\($0)".contains("non-finite")) }
    }

    /// Simple cubic Na: Pm-3m with 48 operations. spglib sees through a 2×1×1 supercell and keeps
    /// the group, but in the supercell's basis only the 16 rotations of its tetragonal lattice are
    /// integer matrices, each with 2 translations; the standardized primitive cell is the original.
    func testSupercellOperationsIncludeTranslations() throws {
        let na = Structure(lattice: cubic, species: [try Element("Na")], fracCoords: [Vec3(0, 0, 0)])
        let d = try SymmetryDataset(na)
        XCTAssertEqual(d.number, 221)
        XCTAssertEqual(d.operationCount, 48)
        let big = try na.supercell(2, 1, 1)
        let d2 = try SymmetryDataset(big)
        XCTAssertEqual(d2.number, 221)
        XCTAssertEqual(d2.operationCount, 32)
        XCTAssertEqual(d2.operations.filter(\.isTranslation).count, 2)
        XCTAssertEqual(d2.equivalentAtoms, [0, 0])
        let primitive = try big.standardized(.primitive)
        XCTAssertEqual(primitive.count, 1)
        XCTAssertEqual(primitive.volume, 64, accuracy: 1e-9)
    }

    /// On an idealized standardized cell every operation is a Cartesian isometry that maps the
    /// cell's atoms onto atoms of the same species.
    func testCartesianOperationsOfStandardizedCellsAreOrthogonal() throws {
        var failures: [String] = []
        for c in SpglibFixtureTests.cases where c.structure.count <= 48 {
            let cell = try c.structure.standardized(.conventional, symprec: 0.1)
            for op in try SymmetryDataset(cell, symprec: 0.1).operations {
                let (w, t) = op.cartesian(in: cell.lattice)
                if maxAbs(w * w.transpose - .identity) > 1e-9 { failures.append("\(c.id): W·Wᵀ ≠ 1"); break }
                let x = cell.lattice.cartesian(cell.sites[0].frac)
                let image = cell.lattice.fractional(w * x + t)
                if maxAbs(image - op.apply(cell.sites[0].frac)) > 1e-9 { failures.append("\(c.id): frames disagree"); break }
            }
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }

    /// Mixed-occupancy and oxidation-state sites are typed by their full occupancy.
    func testSitesAreTypedByOccupancy() throws {
        let fe2 = Species(try Element("Fe"), oxidationState: 2), fe3 = Species(try Element("Fe"), oxidationState: 3)
        let s = Structure(lattice: cubic, sites: [Site(fe2, Vec3(0, 0, 0)), Site(fe3, Vec3(0.5, 0.5, 0.5))])
        XCTAssertEqual(try SymmetryDataset(s).number, 221)  // CsCl-like, not bcc
        let same = Structure(lattice: cubic, sites: [Site(fe2, Vec3(0, 0, 0)), Site(fe2, Vec3(0.5, 0.5, 0.5))])
        XCTAssertEqual(try SymmetryDataset(same).number, 229)
        let conventional = try s.standardized()
        XCTAssertEqual(Set(conventional.sites.map(\.species)), [fe2, fe3])
    }
}
