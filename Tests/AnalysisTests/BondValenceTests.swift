import Analysis
import Crystal
import KilnTestSupport
import XCTest

/// Kiln's `BondValenceAnalyzer` against pymatgen's `BVAnalyzer` on public structures
/// (Tests/Fixtures/bond_valence.json.gz, written by scripts/make_bond_valence_fixture.py):
/// oxides, fluorides, halides, sulfides and selenides, peroxides, mixed valence (Fe3O4), and cases
/// pymatgen cannot assign (elemental Si, He without parameters, Na2Fe2PAsO4S4).
final class BondValenceTests: XCTestCase {
    func testOxidationStatesMatchPymatgen() throws {
        let cases = try Fixtures.json("bond_valence") as! [[String: Any]]
        XCTAssertGreaterThanOrEqual(cases.count, 20)
        var failures: [String] = []
        var assigned = 0, refused = 0
        for c in cases {
            let id = c["id"] as! String
            let s = try Fixtures.structure(c["structure"]!)
            let expected = c["valences"] as? [Int]
            do {
                let got = try BondValenceAnalyzer().oxidationStates(of: s)
                if let expected {
                    assigned += 1
                    if got != expected { failures.append("\(id): \(got), pymatgen \(expected)") }
                } else {
                    failures.append("\(id): assigned \(got), pymatgen refused (\(c["error"] as! String))")
                }
            } catch let error as BondValenceError {
                refused += 1
                if expected != nil { failures.append("\(id): \(error), pymatgen \(expected!)") }
            }
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
        XCTAssertGreaterThanOrEqual(assigned, 20)
        XCTAssertGreaterThanOrEqual(refused, 3)
    }

    func testMixedValenceAndErrors() throws {
        let cases = Dictionary(uniqueKeysWithValues: (try Fixtures.json("bond_valence") as! [[String: Any]]).map { ($0["id"] as! String, $0) })
        let magnetite = try Fixtures.structure(cases["Fe3O4.cif"]!["structure"]!)
        let states = try BondValenceAnalyzer().oxidationStates(of: magnetite)
        let iron = zip(magnetite.sites, states).filter { $0.0.element.symbol == "Fe" }.map(\.1)
        XCTAssertEqual(Set(iron), [2, 3], "magnetite holds Fe2+ and Fe3+")
        XCTAssertEqual(states.reduce(0, +), 0)

        let helium = try Fixtures.structure(cases["He_BCC.json"]!["structure"]!)
        XCTAssertThrowsError(try BondValenceAnalyzer().oxidationStates(of: helium)) {
            XCTAssertEqual($0 as? BondValenceError, .missingParameters(["He"]))
        }
        let silicon = try Fixtures.structure(cases["Si.json"]!["structure"]!)
        XCTAssertThrowsError(try BondValenceAnalyzer().oxidationStates(of: silicon)) {
            XCTAssertTrue("\($0)".contains("cannot be assigned"), "\($0)")
        }
        let o = try Element("O"), fe = try Element("Fe"), ni = try Element("Ni")
        let disordered = Structure(lattice: .cubic(4.2), sites: [
            Site(occupancy: [.init(Species(fe), 0.5), .init(Species(ni), 0.5)], frac: .zero),
            Site(o, Vec3(0.5, 0.5, 0.5)),
        ])
        XCTAssertThrowsError(try BondValenceAnalyzer().oxidationStates(of: disordered)) {
            XCTAssertEqual($0 as? BondValenceError, .disordered)
        }
    }
}
