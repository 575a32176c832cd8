import Crystal
import CrystalIO
import KilnTestSupport
import XCTest

final class CIFWriterTests: XCTestCase {
    /// P1 write → read returns every structures.json structure (lattice parameters within 1e-6,
    /// species, wrapped coordinates within 1e-4: reading snaps values within 1e-4 (relative) of
    /// 1/3 and 2/3, as pymatgen does).
    func testP1RoundTripAllStructures() throws {
        var failures: [String] = []
        for (id, rec) in try FixtureComparison.structures().sorted(by: { $0.key < $1.key }) {
            let s = try Fixtures.structure(rec["structure"]!)
            do {
                let back = try CIFReader().read(CIFWriter().string(s), file: id)
                XCTAssertEqual(back.count, 1)
                let t = back[0].structure
                let dp = zip(t.lattice.parameters, s.lattice.parameters).map { abs($0 - $1) }.max()!
                if dp > 1e-6 { failures.append("\(id): lattice parameters off by \(dp)") }
                if let d = FixtureComparison.siteSetDifference(FixtureComparison.looseSites(t), FixtureComparison.looseSites(s), tol: 1e-4) {
                    failures.append("\(id): \(d)")
                }
            } catch { failures.append("\(id): \(error)") }
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }

    /// Symmetrized write (asymmetric unit + the operations read) → read gives the same sites,
    /// ordered and disordered, for every fixture CIF.
    func testSymmetrizedRoundTripFixtureCIFs() throws {
        var failures: [String] = []
        var shorter = 0
        for (id, entry) in try FixtureComparison.cifs().sorted(by: { $0.key < $1.key }) {
            guard let parsed = try? CIFReader().read(entry["text"] as! String, file: id) else { continue }
            for c in parsed {
                do {
                    let text = try CIFWriter().string(c.structure, symmetryOperations: c.symmetryOperations)
                    if c.symmetryOperations.count > 1 && text.count < CIFWriter().string(c.structure).count { shorter += 1 }
                    let back = try CIFReader().read(text, file: id)[0].structure
                    if let d = FixtureComparison.siteSetDifference(FixtureComparison.looseSites(back),
                                                                   FixtureComparison.looseSites(c.structure), tol: 1e-6) {
                        failures.append("\(id) \(c.blockName): \(d)")
                    }
                } catch { failures.append("\(id) \(c.blockName): \(error)") }
            }
        }
        XCTAssertGreaterThan(shorter, 20, "symmetrized files should list fewer sites")
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }

    func testSymmetrizedWriterRejectsWrongOperations() throws {
        let s = Structure(lattice: .cubic(4), species: [try Element("Na")], fracCoords: [Vec3(0.1, 0.2, 0.3)])
        let inversion = SymmetryOperation(rotation: Matrix3.identity * -1, translation: .zero)
        XCTAssertThrowsError(try CIFWriter().string(s, symmetryOperations: [.identity, inversion]))
    }

    func testDisorderAndOxidationStatesSurviveP1RoundTrip() throws {
        let fe = try Element("Fe"), ni = try Element("Ni"), o = try Element("O")
        let site = Site(occupancy: [.init(Species(fe, oxidationState: 2), 0.5), .init(Species(ni, oxidationState: 2), 0.25)],
                        frac: Vec3(0, 0, 0))
        let s = Structure(lattice: .cubic(4.2), sites: [site, Site(Species(o, oxidationState: -2), Vec3(0.5, 0.5, 0.5))])
        let back = try CIFReader().read(CIFWriter().string(s))[0]
        XCTAssertTrue(back.isDisordered)
        let d = back.structure.sites.first { $0.occupancy.count == 2 }!
        XCTAssertEqual(Set(d.occupancy.map(\.species)), [Species(fe, oxidationState: 2), Species(ni, oxidationState: 2)])
        XCTAssertEqual(d.occupancy.reduce(0) { $0 + $1.occupancy }, 0.75, accuracy: 1e-9)
    }
}
