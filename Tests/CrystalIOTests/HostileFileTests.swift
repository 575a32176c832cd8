import Crystal
import CrystalIO
import Foundation
import KilnSupport
import XCTest

/// Structure files a hostile or careless user might give (issue 12, hostile inputs 10 and 11):
/// each is refused with the file, the line or site, and the reason.
final class HostileFileTests: XCTestCase {
    private let cifHead = """
    data_a
    _cell_length_a 4
    _cell_length_b 4
    _cell_length_c 4
    _cell_angle_alpha 90
    _cell_angle_beta 90
    _cell_angle_gamma 90
    loop_
    _atom_site_label
    _atom_site_fract_x
    _atom_site_fract_y
    _atom_site_fract_z
    _atom_site_occupancy

    """

    func testCIFOccupanciesMustBeNonNegativeNumbers() throws {
        let cases = [("Na1 0 0 0 -0.5\n", "negative"), ("Na1 0 0 0 abc\n", "not a number"), ("Na1 0 0 0 1.5\n", "more than 1")]
        for (row, reason) in cases {
            XCTAssertThrowsError(try CIFReader().read(cifHead + row, file: "occ.cif"), row) { e in
                let err = e as? CrystalIOError
                XCTAssertEqual(err?.file, "occ.cif")
                XCTAssertEqual(err?.line, 14, "\(e)")
                XCTAssertTrue(err?.reason.contains(reason) == true && err?.reason.contains("Na1") == true, "\(e)")
            }
        }
        // "?" (unknown) reads as full occupancy, "." (inapplicable) skips the site, as in pymatgen.
        let read = try CIFReader().read(cifHead + "Na1 0 0 0 ?\nCl1 0.5 0.5 0.5 .\n")[0].structure
        XCTAssertEqual(read.count, 1)
        XCTAssertEqual(read.sites[0].occupancy.map(\.occupancy), [1])
    }

    func testJSONOccupanciesMustBeNumbersWithinOne() throws {
        func json(_ species: String) -> Data {
            Data("""
            {"lattice": {"matrix": [[4,0,0],[0,4,0],[0,0,4]]}, "sites": [{"species": [\(species)], "abc": [0,0,0]}]}
            """.utf8)
        }
        let cases = [(#"{"element": "Na", "occu": "lots"}"#, "not a number"), (#"{"element": "Na", "occu": -1}"#, "outside"),
                     (#"{"element": "Na", "occu": 0.7}, {"element": "K", "occu": 0.7}"#, "more than 1")]
        for (species, reason) in cases {
            XCTAssertThrowsError(try StructureJSON.read(json(species), file: "s.json"), species) { e in
                XCTAssertTrue("\(e)".hasPrefix("s.json: site 0: ") && "\(e)".contains(reason), "\(e)")
            }
        }
        XCTAssertEqual(try StructureJSON.read(json(#"{"element": "Na", "occu": 0.5}"#))[0].sites[0].occupancy[0].occupancy, 0.5)
    }

    /// More position lines than the counts declare are refused; VASP's trailing blocks (after a
    /// blank line, or "Lattice velocities") are still accepted.
    func testPOSCARExtraPositionLines() throws {
        let head = "NaCl\n1.0\n4 0 0\n0 4 0\n0 0 4\nNa Cl\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n"
        XCTAssertThrowsError(try POSCAR(text: head + "0.25 0.25 0.25\n", file: "POSCAR")) { e in
            let err = e as? CrystalIOError
            XCTAssertEqual(err?.line, 11, "\(e)")
            XCTAssertTrue(err?.reason.contains("beyond the 2 atoms") == true, "\(e)")
        }
        XCTAssertEqual(try POSCAR(text: head + "\n0.1 0 0\n0 0.1 0\n", file: "CONTCAR").structure.count, 2)
        XCTAssertEqual(try POSCAR(text: head + "Lattice velocities and vectors\n1\n0 0 0\n", file: "CONTCAR").structure.count, 2)
        XCTAssertEqual(try POSCAR(text: head + "  \n", file: "POSCAR").structure.count, 2)
    }

    /// A compressed structure file stops decompressing at `StructureFile.maxDecompressedBytes`
    /// (a 4 MB .cif.gz used to expand to 3 GB in memory).
    func testCompressedStructureFileIsBounded() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-bomb-\(UUID().uuidString).cif.gz")
        defer { try? FileManager.default.removeItem(at: url) }
        var text = Data(cifHead.utf8)
        text.append(Data(count: StructureFile.maxDecompressedBytes + 1 - text.count + 1))
        try Gzip.compress(text, level: 1).write(to: url)
        text = Data()
        XCTAssertThrowsError(try StructureFile.read(url)) { e in
            XCTAssertEqual("\(e)", "\(url.path): decompresses to more than 256 MiB, the limit for a structure file")
        }
    }
}
