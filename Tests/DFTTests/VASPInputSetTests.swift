import Crystal
import DFT
import Foundation
import KilnTestSupport
import XCTest

/// Kiln's MPRelaxSet against pymatgen's on the ordered fixture structures (226 of them:
/// scripts/make_vasp_fixture.py, pymatgen 2026.10.24): every INCAR tag and value (numbers to 1e-9
/// relative; ALGO/LREAL compared without case, as pymatgen rewrites them), the k-point style and
/// mesh, the POSCAR species order and counts, and the POTCAR symbols.
final class VASPInputSetTests: XCTestCase {
    func testMatchesPymatgenMPRelaxSet() throws {
        let fixture = try XCTUnwrap(try Fixtures.json("vasp_mprelaxset") as? [String: Any])
        let cases = try XCTUnwrap(fixture["cases"] as? [[String: Any]])
        XCTAssertGreaterThan(cases.count, 200)
        var checked = 0, withU = 0, noble = 0
        for c in cases {
            let id = c["id"] as! String
            let structure = try Fixtures.structure(c["structure"]!)
            let set = try VASPInputSet(mpRelax: structure)
            let (symbols, counts, potcars) = (c["symbols"] as! [String], c["counts"] as! [Int], c["potcar"] as! [String])
            if structure.sites.contains(where: { $0.element.electronegativity == nil }) {
                // pymatgen sorts sites with a comparison that is not a total order when an element has no
                // electronegativity (He, Ne, Ar: NaN), so its species order then depends on the input
                // order; Kiln puts such elements last. Same species, counts and POTCARs, in another order.
                XCTAssertEqual(Dictionary(uniqueKeysWithValues: zip(set.symbols, zip(set.counts, set.potcars)).map { ($0, "\($1)") }),
                               Dictionary(uniqueKeysWithValues: zip(symbols, zip(counts, potcars)).map { ($0, "\($1)") }), id)
                noble += 1
            } else {
                XCTAssertEqual(set.symbols, symbols, id)
                XCTAssertEqual(set.counts, counts, id)
                XCTAssertEqual(set.potcars, potcars, id)
            }
            let k = c["kpoints"] as! [String: Any]
            XCTAssertEqual(set.kpointStyle, k["style"] as? String, id)
            XCTAssertEqual(set.kpointGrid, k["grid"] as? [Int], id)
            let expected = c["incar"] as! [String: Any]
            XCTAssertEqual(Set(set.incar.map(\.key)), Set(expected.keys), id)
            for (key, value) in set.incar {
                guard let want = expected[key] else { continue }
                switch value {
                case .bool(let b): XCTAssertEqual(b, want as? Bool, "\(id) \(key)")
                case .int(let i): XCTAssertEqual(Double(i), (want as? NSNumber)?.doubleValue, "\(id) \(key)")
                case .double(let d): XCTAssertEqual(d, (want as? NSNumber)?.doubleValue ?? .nan, accuracy: 1e-9 * max(1, abs(d)), "\(id) \(key)")
                case .string(let s): XCTAssertEqual(s.lowercased(), (want as? String)?.lowercased(), "\(id) \(key)")
                case .list(let xs):
                    let w = (want as? [NSNumber])?.map(\.doubleValue) ?? []
                    XCTAssertEqual(xs.count, w.count, "\(id) \(key)")
                    for (x, y) in zip(xs, w) { XCTAssertEqual(x, y, accuracy: 1e-9, "\(id) \(key)") }
                }
            }
            if expected["LDAUU"] != nil { withU += 1 }
            checked += 1
        }
        XCTAssertEqual(checked, cases.count)
        XCTAssertGreaterThan(withU, 20, "the +U branch is exercised")
        XCTAssertLessThan(noble, 10, "few structures hold a noble gas")
    }

    func testFilesAndBadInput() throws {
        let nacl = Structure(lattice: .cubic(5.64), species: [try Element("Na"), try Element("Cl")],
                                 fracCoords: [Vec3(0, 0, 0), Vec3(0.5, 0.5, 0.5)])
        let set = try VASPInputSet(mpRelax: nacl)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-vasp-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        try set.write(to: dir)
        let incar = try String(contentsOf: dir.appendingPathComponent("INCAR"), encoding: .utf8)
        XCTAssertTrue(incar.contains("MAGMOM = 2*0.6\n"), incar)
        XCTAssertTrue(incar.contains("ENCUT = 520\n"), incar)
        XCTAssertFalse(incar.contains("LDAU"), "no +U without O or F")
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("POTCAR.spec"), encoding: .utf8), "Na_pv\nCl\n")
        XCTAssertTrue(try String(contentsOf: dir.appendingPathComponent("KPOINTS"), encoding: .utf8).hasSuffix("\n"))
    }
}
