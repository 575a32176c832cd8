@testable import Campaign
import Crystal
import CrystalIO
import XCTest

/// The report's pure parts: element styles, cell scenes, folding of duplicates.
final class ReportTests: XCTestCase {
    func testEveryElementHasAColourAndRadius() throws {
        for el in Element.all {
            XCTAssertNotNil(ElementStyle.color(el).range(of: #"^#[0-9A-F]{6}$"#, options: .regularExpression), el.symbol)
            XCTAssertGreaterThan(ElementStyle.radius(el), 0, el.symbol)
        }
        let li = try Element("Li"), mn = try Element("Mn"), o = try Element("O")
        XCTAssertEqual(ElementStyle.color(li), "#CC80FF")  // Jmol
        XCTAssertEqual(ElementStyle.color(o), "#FF0D0D")
        XCTAssertNotEqual(ElementStyle.color(li), ElementStyle.color(mn))
        XCTAssertNotEqual(ElementStyle.radius(li), ElementStyle.radius(mn))
        XCTAssertEqual(Set(Element.all.prefix(109).map(ElementStyle.color)).count, 109, "one colour per element")
    }

    static func rockSalt(_ a: Double = 5.64) throws -> Structure {
        let na = try Element("Na"), cl = try Element("Cl")
        let f: [Vec3] = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]
        return Structure(lattice: .cubic(a), species: [na, na, na, na, cl, cl, cl, cl],
                         fracCoords: f + f.map { $0 + Vec3(0.5, 0, 0) })
    }

    func testRockSaltSceneHasOctahedra() throws {
        let scene = CellScene(try Self.rockSalt())
        let na = try Element("Na")
        // Corner, face and edge images of the conventional cell: 14 Na, 13 Cl, plus the Cl beyond the
        // cell that complete the octahedra of face-centred Na.
        XCTAssertEqual(scene.atoms.filter { $0.element == na }.count, 14)
        XCTAssertTrue(scene.bonds.allSatisfy { (scene.atoms[$0[0]].element == na) != (scene.atoms[$0[1]].element == na) },
                      "only Na–Cl bonds")
        for b in scene.bonds {
            XCTAssertEqual(norm(scene.atoms[b[0]].position - scene.atoms[b[1]].position), 2.82, accuracy: 1e-6)
        }
        XCTAssertEqual(scene.polyhedra.count, 14, "an octahedron around every Na drawn")
        for p in scene.polyhedra {
            XCTAssertEqual(p.faces.count, 8)
            XCTAssertTrue(p.faces.allSatisfy { $0.count == 3 })
        }
        XCTAssertTrue(scene.json().hasPrefix("{\"cell\":[[5.640,0.000,0.000]"))
    }

    func testNoAnionsMeansNoPolyhedra() throws {
        let cu = try Element("Cu")
        let fcc = Structure(lattice: .cubic(3.6), species: [cu, cu, cu, cu],
                            fracCoords: [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
        let scene = CellScene(fcc)
        XCTAssertTrue(scene.polyhedra.isEmpty)
        XCTAssertFalse(scene.bonds.isEmpty, "metal–metal bonds at 2.55 Å")
    }

    private func record(_ id: String, _ ordinal: Int, status: CandidateStatus, rank: Int? = nil, duplicateOf: String? = nil) -> CandidateRecord {
        var r = CandidateRecord(id: id, ordinal: ordinal, generator: "g", parent: nil, seed: 0, substitution: nil,
                                formula: "NaCl", nSites: 8, nElements: 2, initialStructure: "{}")
        r.status = status
        r.rank = rank
        r.duplicateOf = duplicateOf
        return r
    }

    func testDuplicatesFoldUnderTheirRepresentative() {
        let records = [
            record("a", 0, status: .relaxed, rank: 2),
            record("b", 1, status: .relaxed, duplicateOf: "a"),         // matched after relaxation
            record("c", 2, status: .duplicate, duplicateOf: "b"),       // before relaxation, of a duplicate
            record("d", 3, status: .relaxed),                           // unique, unranked
            record("e", 4, status: .failed),
            record("f", 5, status: .invalid),
            record("g", 6, status: .relaxed, rank: 1),
            record("h", 7, status: .duplicate, duplicateOf: "e"),
            record("x", 8, status: .relaxed, duplicateOf: "y"),         // cycle: shown alone, not lost
            record("y", 9, status: .relaxed, duplicateOf: "x"),
        ]
        let (ranked, other) = CandidateFolding.fold(records.reversed())
        XCTAssertEqual(ranked.map(\.representative.id), ["g", "a"])
        XCTAssertEqual(ranked[1].duplicates.map(\.id), ["b", "c"])
        XCTAssertEqual(other.map(\.representative.id), ["d", "e", "x"], "generation order; a cycle folds under its earliest member")
        XCTAssertEqual(other.first { $0.representative.id == "e" }?.duplicates.map(\.id), ["h"])
        let shown = Set((ranked + other).flatMap { [$0.representative.id] + $0.duplicates.map(\.id) })
        XCTAssertEqual(shown, ["a", "b", "c", "d", "e", "g", "h", "x", "y"], "every non-invalid candidate appears once")
        XCTAssertEqual((ranked + other).map { 1 + $0.duplicates.count }.reduce(0, +), 9)
    }
}
