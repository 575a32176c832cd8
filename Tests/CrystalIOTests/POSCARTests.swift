import Crystal
import CrystalIO
import KilnTestSupport
import XCTest

final class POSCARTests: XCTestCase {
    /// Every fixture POSCAR against structures.json: lattice, species in order (by the README's
    /// species_assignment rule) and unwrapped fractional coordinates.
    func testFixturePOSCARsMatchStructures() throws {
        let poscars = try FixtureComparison.poscars()
        let structures = try FixtureComparison.structures()
        let expectedSource: [String: POSCAR.SpeciesSource] = [
            "symbol_line": .symbolLine, "comments": .comments, "dummy_Z_equals_type_index": .dummyAtomicNumbers,
        ]
        var failures: [String] = []
        for (id, entry) in poscars.sorted(by: { $0.key < $1.key }) {
            guard let rec = structures[id] else { failures.append("\(id): not in structures.json"); continue }
            let st = rec["structure"] as! [String: Any]
            let p: POSCAR
            do { p = try POSCAR(text: entry["text"] as! String, file: id) } catch {
                failures.append("\(id): \(error)"); continue
            }
            if let want = expectedSource[entry["species_assignment"] as! String], p.speciesSource != want {
                failures.append("\(id): species from \(p.speciesSource), expected \(want)")
            }
            if let d = FixtureComparison.latticeDifference(p.structure.lattice, st["lattice"] as! [[Double]], tol: 1e-8) {
                failures.append("\(id): \(d)")
            }
            let species = st["species"] as! [String]
            if p.structure.elements.map(\.symbol) != species { failures.append("\(id): species differ"); continue }
            let fc = st["frac_coords"] as! [[Double]]
            let worst = zip(p.structure.fracCoords, fc).map { a, b in (a - Vec3(b[0], b[1], b[2])).max().magnitude }.max() ?? 0
            if worst > 1e-8 { failures.append("\(id): coordinates differ by \(worst)") }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) POSCAR mismatches:\n" + failures.joined(separator: "\n"))
    }

    func testVASP4CallerSpeciesScalingSelectiveDynamicsAndVelocities() throws {
        let text = """
        title
        -64.0
        2 0 0
        0 2 0
        0 0 2
        1 2
        Selective dynamics
        Cartesian
        0 0 0 T F T
        1 1 1 F F F
        2 2 2 T T T

        0.1 0.2 0.3
        0 0 0
        0 0 0
        """
        let p = try POSCAR(text: text, file: "t", species: [try Element("Na"), try Element("Cl")])
        XCTAssertEqual(p.speciesSource, .caller)
        XCTAssertEqual(p.structure.elements.map(\.symbol), ["Na", "Cl", "Cl"])
        XCTAssertEqual(p.structure.volume, 64, accuracy: 1e-9)  // negative scale = volume
        XCTAssertEqual(p.structure.sites[1].frac.x, 0.5, accuracy: 1e-12)  // Cartesian (1,1,1) scaled by 2 in a 4 Å cell
        XCTAssertEqual(p.selectiveDynamics!, [[true, false, true], [false, false, false], [true, true, true]])
        // Round trip keeps the flags.
        let again = try POSCAR(text: try p.string(), file: "again")
        XCTAssertEqual(again.selectiveDynamics!, p.selectiveDynamics!)
        XCTAssertEqual(again.structure.elements, p.structure.elements)
    }

    func testThreeScaleFactorsAndTitleSpecies() throws {
        let text = "Fe1 O1\n2 3 4\n1 0 0\n0 1 0\n0 0 1\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n"
        let p = try POSCAR(text: text)
        XCTAssertEqual(p.speciesSource, .titleLine)
        XCTAssertEqual(p.structure.lattice.lengths, Vec3(2, 3, 4))
        XCTAssertEqual(p.structure.elements.map(\.symbol), ["Fe", "O"])
    }

    func testBadPOSCARsNameFileAndLine() {
        let cases: [(String, Int)] = [
            ("t\n1.0\n1 0 0\n0 1 0\n0 0 1\nNa\n1\nDirect\n0 0 x\n", 9),
            ("t\n1.0\n1 0 0\n0 1 0\n", 5),
            ("t\n0\n1 0 0\n0 1 0\n0 0 1\n1\nDirect\n0 0 0\n", 2),
            ("t\n1.0\n1 0 0\n0 1 0\n0 0 1\nXx\n1\nDirect\n0 0 0\n", 6),
            ("t\n1.0\n1 0 0\n0 1 0\n0 0 1\n999999\nDirect\n0 0 0\n", 6),
            ("t\n1.0\n1 0 0\n2 0 0\n0 0 1\n1\nDirect\n0 0 0\n", 3),
        ]
        for (text, line) in cases {
            XCTAssertThrowsError(try POSCAR(text: text, file: "bad.vasp")) { e in
                let err = e as? CrystalIOError
                XCTAssertEqual(err?.file, "bad.vasp")
                XCTAssertEqual(err?.line, line, "\(e)")
            }
        }
    }

    /// Write → read keeps every structures.json structure exactly (16 decimals).
    func testRoundTripAllStructures() throws {
        var failures: [String] = []
        for (id, rec) in try FixtureComparison.structures() {
            let s = try Fixtures.structure(rec["structure"]!)
            let back = try POSCAR(text: try POSCAR(structure: s).string(), file: id).structure
            if back.elements != s.elements { failures.append("\(id): species"); continue }
            let worst = zip(back.fracCoords, s.fracCoords).map { ($0 - $1).max().magnitude }.max() ?? 0
            if worst > 1e-12 { failures.append("\(id): coordinates off by \(worst)") }
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }
}
