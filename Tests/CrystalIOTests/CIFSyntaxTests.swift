import Crystal
import CrystalIO
import XCTest

final class CIFSyntaxTests: XCTestCase {
    let header = """
    _cell_length_a 4.0(2)
    _cell_length_b 4.0
    _cell_length_c 4.0
    _cell_angle_alpha 90
    _cell_angle_beta 90
    _cell_angle_gamma 90

    """

    func testQuotesTextFieldsUncertaintiesAndBothSymopTags() throws {
        let cif = """
        data_first
        _title 'it''s "quoted" # not a comment'
        _note
        ;
        multi-line text
        _not_a_tag 'inside text'
        ;
        \(header)loop_
        _space_group_symop_operation_xyz
        'x, y, z'
        '-x, -y, -z'
        loop_
        _atom_site_label
        _atom_site_type_symbol
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        _atom_site_occupancy
        Na1 Na+ 0.1(3) 0.2 0.3 1.0(1)
        data_second
        \(header)loop_
        _symmetry_equiv_pos_as_xyz
        x,y,z
        -x,y+1/2,-z
        loop_
        _atom_site_label
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        Cl2 0.25 0.3333 0.5
        """
        let r = try CIFReader().read(cif, file: "t.cif")
        XCTAssertEqual(r.map(\.blockName), ["first", "second"])
        XCTAssertEqual(r[0].structure.count, 2)  // inversion pair
        XCTAssertEqual(r[0].structure.lattice.a, 4.0, accuracy: 1e-12)
        XCTAssertEqual(Set(r[0].structure.fracCoords.map { ($0 * 10).rounded(.toNearestOrEven) }), [Vec3(1, 2, 3), Vec3(9, 8, 7)])
        XCTAssertEqual(r[1].structure.count, 2)
        XCTAssertEqual(r[1].structure.elements, [try Element("Cl"), try Element("Cl")])
        // 0.3333 snapped to 1/3, then y + 1/2.
        XCTAssertTrue(r[1].structure.fracCoords.contains { abs($0.y - (1.0 / 3 + 0.5)) < 1e-12 })
    }

    func testLabelsAtOneSiteMergeIntoDisorderedSite() throws {
        let cif = "data_x\n" + header + """
        _symmetry_space_group_name_H-M 'F m -3 m'
        loop_
        _atom_site_label
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        _atom_site_occupancy
        Fe1 0 0 0 0.6
        Ni1 0.5 0.5 0 0.4
        O1 0.5 0.5 0.5 1
        """
        let s = try CIFReader().read(cif)[0]
        XCTAssertTrue(s.isDisordered)
        XCTAssertEqual(s.symmetryOperations.count, 192)
        XCTAssertEqual(s.structure.count, 8)
        let mixed = s.structure.sites.filter { $0.occupancy.count == 2 }
        XCTAssertEqual(mixed.count, 4)
        XCTAssertEqual(mixed[0].occupancy.reduce(0) { $0 + $1.occupancy }, 1, accuracy: 1e-12)
    }

    func testBadFilesAreRejectedWithFileAndLine() {
        let atoms = "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n"
        let cases: [(String, String, Int?)] = [
            ("data_a\n" + header + atoms + "Na1 0 0\n", "not a multiple", 13),            // truncated loop
            ("data_a\n" + header + atoms + "Na1 0 0 ?\n", "not a number", 13),           // unknown coordinate
            ("data_a\n" + header + atoms + "Xq1 0 0 0\n", "unknown element", 13),        // not an element
            ("data_a\n" + header + "loop_\n_symmetry_equiv_pos_as_xyz\n'x,y,q'\n" + atoms + "Na1 0 0 0\n", "symmetry operation", 10),
            ("data_a\n" + header + atoms + "Na1 0 0 0\nNa2 0 0 0\n", "occupancy", 14),    // two full atoms on one site
            ("data_a\n_note\n;\nnever closed\n", "never closed", 3),
            ("garbage\n\u{1}\u{2}", "no data_ block", nil),
            ("data_a\n_cell_length_a 1\n", "no data block lists atom sites", nil),
        ]
        for (text, reason, line) in cases {
            XCTAssertThrowsError(try CIFReader().read(text, file: "bad.cif"), reason) { e in
                guard let err = e as? CrystalIOError else { return XCTFail("\(e)") }
                XCTAssertEqual(err.file, "bad.cif")
                XCTAssertTrue(err.reason.contains(reason), "\(err) should mention \(reason)")
                XCTAssertEqual(err.line, line, "\(err)")
            }
        }
    }

    func testSpaceGroupTableOperations() {
        XCTAssertEqual(SpaceGroupTable.operations(number: 225)?.count, 192)
        XCTAssertEqual(SpaceGroupTable.operations(symbol: "P 1 21/c 1")?.count, 4)
    }
}
