import Crystal
import CrystalIO
import KilnTestSupport
import XCTest

final class StructureFileTests: XCTestCase {
    /// pymatgen `Structure.as_dict()` output (disordered, with oxidation states).
    let pymatgenJSON = """
    {"@module": "pymatgen.core.structure", "@class": "Structure", "charge": 0.0, "lattice": {"matrix": [[3.052904034337845, 0.0, -0.538309350767484], [-1.6246825790171913, 2.7568834791187764, 1.9594348786357652e-16], [0.0, 0.0, 5.0]], "pbc": [true, true, true], "a": 3.1, "b": 3.2, "c": 5.0, "alpha": 90.0, "beta": 100.0, "gamma": 119.99999999999997, "volume": 42.08250347800533}, "properties": {}, "sites": [{"species": [{"element": "Fe", "oxidation_state": 2.0, "spin": null, "occu": 0.5}, {"element": "Ni", "oxidation_state": 2.0, "spin": null, "occu": 0.5}], "abc": [0.0, 0.0, 0.0], "properties": {}, "label": "Fe2+:0.5, Ni2+:0.5", "xyz": [0.0, 0.0, 0.0]}, {"species": [{"element": "O", "oxidation_state": -2.0, "spin": null, "occu": 1}], "abc": [0.5, 0.25, 0.75], "properties": {}, "label": "O2-", "xyz": [1.1202813724146246, 0.6892208697796941, 3.480845324616258]}]}
    """

    func testPymatgenJSON() throws {
        let s = try StructureJSON.read(Data(pymatgenJSON.utf8))[0]
        XCTAssertEqual(s.count, 2)
        XCTAssertFalse(s.isOrdered)
        XCTAssertEqual(s.sites[0].occupancy.map(\.species.description), ["Fe2+", "Ni2+"])
        XCTAssertEqual(s.lattice.parameters[4], 100, accuracy: 1e-9)
        let back = try StructureJSON.read(try StructureJSON.data([s, s]))
        XCTAssertEqual(back, [s, s])
        XCTAssertThrowsError(try StructureJSON.read(Data("{\n\"sites\": [,]}".utf8), file: "x.json")) { e in
            XCTAssertEqual((e as? CrystalIOError)?.line, 2)
        }
    }

    func testExtendedXYZMultiFrame() throws {
        let text = """
        2
        Lattice="4 0 0 0 4 0 0 0 4" Properties=species:S:1:pos:R:3:forces:R:3 pbc="T T T" energy=-1.5
        Na 0 0 0 0.1 0.2 0.3
        Cl 2 2 2 0 0 0
        1
        Lattice="3 0 0 0 3 0 0 0 3" Properties=species:S:1:pos:R:3
        Cu 1.5 0 0
        """
        let frames = try ExtendedXYZ.read(text)
        XCTAssertEqual(frames.count, 2)
        XCTAssertEqual(frames[0].sites[1].frac, Vec3(0.5, 0.5, 0.5))
        let back = try ExtendedXYZ.read(try ExtendedXYZ.string(frames))
        XCTAssertEqual(back.map(\.elements), frames.map(\.elements))
        XCTAssertEqual(back[1].sites[0].frac.x, 0.5, accuracy: 1e-9)
        XCTAssertThrowsError(try ExtendedXYZ.read("3\nLattice=\"1 0 0 0 1 0 0 0 1\"\nNa 0 0 0\n", file: "a.xyz")) { e in
            XCTAssertEqual((e as? CrystalIOError)?.line, 1)
        }
    }

    /// Every format, plain and gzip-compressed, through StructureFile.write/read.
    func testStructureFileAllFormatsAndGzip() throws {
        let rec = try FixtureComparison.structures()["pmg-poscar:POSCAR_LiFePO4"]!
        let s = try Fixtures.structure(rec["structure"]!)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-io-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["a.cif", "a.cif.gz", "POSCAR", "CONTCAR.gz", "b.vasp", "c.xyz", "d.extxyz.gz", "e.json", "e.json.gz"] {
            let url = dir.appendingPathComponent(name)
            try StructureFile.write(s, to: url)
            let back = try StructureFile.read(url)
            XCTAssertEqual(back.count, 1, name)
            let d = FixtureComparison.siteSetDifference(FixtureComparison.looseSites(back[0]), FixtureComparison.looseSites(s), tol: 1e-6)
            XCTAssertNil(d, name)
            XCTAssertEqual(back[0].lattice.parameters[0], s.lattice.parameters[0], accuracy: 1e-6, name)
        }
        XCTAssertEqual(StructureFormat(fileName: "X.CIF.GZ"), .cif)
        XCTAssertNil(StructureFormat(fileName: "notes.txt"))
        XCTAssertThrowsError(try StructureFile.read(dir.appendingPathComponent("missing.cif")))
        XCTAssertThrowsError(try StructureFile.write([s, s], to: dir.appendingPathComponent("POSCAR")))
    }

    /// A left-handed lattice is read onto a right-handed basis with the same Cartesian positions
    /// (issue 12, hostile input 3: the signed volume flipped the sign of CHGNet's stress and
    /// `kiln relax` doubled the cell).
    func testLeftHandedLatticeIsReadRightHanded() throws {
        let poscar = """
            left-handed NaCl
            1.0
            2.8 0.0 2.8
            0.0 2.8 2.8
            2.8 2.8 0.0
            Na Cl
            1 1
            Direct
            0.1 0.2 0.3
            0.6 0.7 0.8
            """
        let raw = try POSCAR(text: poscar).structure
        XCTAssertLessThan(raw.lattice.signedVolume, 0)
        let read = try XCTUnwrap(StructureFile.read(data: Data(poscar.utf8), format: .poscar).first)
        XCTAssertGreaterThan(read.lattice.signedVolume, 0)
        XCTAssertEqual(read.volume, raw.volume, accuracy: 1e-9)
        for (a, b) in zip(raw.sites, read.sites) {
            let d = raw.lattice.cartesian(a.frac) - read.lattice.cartesian(b.frac)
            XCTAssertLessThan(max(abs(d.x), abs(d.y), abs(d.z)), 1e-12)
        }
        XCTAssertEqual(read.rightHanded().lattice.matrix, read.lattice.matrix)
    }
}
