import Analysis
import Crystal
import CrystalIO
import KilnTestSupport
import Matching
import Symmetry
import XCTest

/// Symmetrised CIFs (conventional standard cell, symmetry-distinct sites) read back to the structure.
///
/// Checked once by hand with pymatgen 2026.10.24 on the 122 CIFs `testSymmetrisedCIFRoundTrip`
/// writes (dumped to a folder): every one parses with `CifParser(f).parse_structures(primitive=False)`
/// to the written number of sites (Σ multiplicities), and `SpacegroupAnalyzer(s, 0.1)` gives the
/// written space group except for LiFePO4 (β = 90.5°), where pymatgen's 5° angle tolerance finds
/// Pnma and Kiln's spglib angle check P2_1/c:
///   python3 -c "import sys; from pymatgen.io.cif import CifParser; from pymatgen.symmetry.analyzer import
///   SpacegroupAnalyzer as A; [print(f, len(s := CifParser(f).parse_structures(primitive=False)[0]),
///   A(s, 0.1).get_space_group_number()) for f in sys.argv[1:]]" *.cif
final class ConventionalCellTests: XCTestCase {
    /// Ordered public fixture structures of up to 60 sites.
    func structures() throws -> [(String, Structure)] {
        let root = try Fixtures.json("structures") as! [String: Any]
        return try (root["structures"] as! [[String: Any]]).compactMap { r in
            let id = r["id"] as! String
            guard id.hasPrefix("pmg-") || id.hasPrefix("spglib:"), let d = r["structure"] as? [String: Any],
                  (d["species"] as? [Any])?.count ?? 0 <= 60 else { return nil }
            return (id, try Fixtures.structure(d))
        }
    }

    func testSymmetrisedCIFRoundTrip() throws {
        var failures: [String] = []
        var systems: Set<CrystalSystem> = []
        var listedFewer = 0
        let matcher = StructureMatcher()
        for (id, s) in try structures() {
            guard s.problems().isEmpty, let cell = try? ConventionalCell(s) else { continue }
            let text = try cell.cif(blockName: id)
            guard let back = try CIFReader().read(text, file: id).first else { failures.append("\(id): nothing read"); continue }
            // Reading snaps coordinates near 1/3 and 2/3 (and says so); nothing else may be reported.
            XCTAssertEqual(back.warnings.filter { !$0.contains("rounded to ideal values") }, [], id)
            let t = back.structure
            if t.count != cell.structure.count { failures.append("\(id): \(t.count) sites read, \(cell.structure.count) written") }
            if !matcher.fit(s, t) { failures.append("\(id): the read-back cell does not match the input") }
            let again = try SymmetryDataset(t)
            if again.number != cell.spaceGroupNumber { failures.append("\(id): space group \(again.number), written \(cell.spaceGroupNumber)") }
            XCTAssertTrue(text.contains("_symmetry_Int_Tables_number   \(cell.spaceGroupNumber)\n"))
            XCTAssertTrue(text.contains("_kiln_symmetry_symprec   \(SymmetryTolerance.symprec)"))
            let rows = text.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.split(separator: " ").count == 9 }
            if cell.operations.count > 1 && rows.count < cell.structure.count { listedFewer += 1 }
            systems.insert(CrystalSystem(spaceGroupNumber: cell.spaceGroupNumber)!)
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
        XCTAssertTrue(systems.isSuperset(of: [.triclinic, .monoclinic, .orthorhombic, .tetragonal, .trigonal, .hexagonal, .cubic]),
                      "\(systems)")
        XCTAssertGreaterThan(listedFewer, 20, "symmetrised files list only the distinct sites")
    }

    func testAsymmetricUnitOfCorundumAndCarriedValues() throws {
        let root = try Fixtures.json("structures") as! [String: Any]
        let record = (root["structures"] as! [[String: Any]]).first { ($0["id"] as! String) == "pmg-cif:V2O3" }!
        let s = try Fixtures.structure(record["structure"]!)
        let cell = try ConventionalCell(s)
        XCTAssertEqual(cell.spaceGroupSymbol, "R-3c")
        XCTAssertEqual(cell.structure.count, 30, "hexagonal setting of the rhombohedral cell")
        // V on 12c, O on 18e: two listed sites with their multiplicities and Wyckoff letters.
        let moments = s.sites.map { $0.element.symbol == "V" ? 1.8 : 0.0 }
        let carried = cell.carry(moments)
        XCTAssertEqual(carried.count, 30)
        XCTAssertEqual(zip(cell.structure.sites, carried).filter { $0.0.element.symbol == "V" }.map(\.1), Array(repeating: 1.8, count: 12))
        let extras = CIFExtras(items: [("_kiln_energy_per_atom", "-6.5"), ("_kiln_note", "two words")],
                               siteLoop: .init(labelTag: "_kiln_site_label",
                                               columns: [("_kiln_site_magnetic_moment", carried.map { String($0) })]))
        let text = try cell.cif(extras: extras)
        let block = try CIFDocument(text: text, file: "spinel").blocks[0]
        XCTAssertEqual(block["_atom_site_Wyckoff_symbol"]?.map(\.text), ["c", "e"])
        XCTAssertEqual(block["_atom_site_symmetry_multiplicity"]?.map(\.text), ["12", "18"])
        XCTAssertEqual(block["_kiln_site_label"]?.map(\.text), block["_atom_site_label"]?.map(\.text))
        XCTAssertEqual(block["_kiln_site_magnetic_moment"]?.compactMap { Double($0.text) }, [1.8, 0])
        XCTAssertEqual(block.first("_kiln_note")?.text, "two words")
        XCTAssertEqual(block.first("_symmetry_space_group_name_H-M")?.text, "R-3c")
        let back = try CIFReader().read(text)
        XCTAssertEqual(back[0].structure.count, 30)
        XCTAssertEqual(back[0].warnings, [])
    }
}
