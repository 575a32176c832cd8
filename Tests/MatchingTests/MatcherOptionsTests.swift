import Crystal
import KilnTestSupport
import XCTest
import Matching

/// Matcher options other than the fixture's two settings, checked against pymatgen 2026.10.24 run
/// on the same pairs (counts of pairs that fit, per transform; all other transforms fit none).
final class MatcherOptionsTests: XCTestCase {
    static let expectedFits: [String: [String: Int]] = [
        "noprim": ["basis_change_unimodular": 24, "permuted": 24, "rattled": 24, "rotated": 24, "rotated_translated_permuted_rattled_strained": 24, "strained": 21, "swapped_species": 3, "translated": 24, "volume_scaled": 24],
        "noprim_supercell": ["basis_change_unimodular": 24, "permuted": 24, "rattled": 24, "rotated": 24, "rotated_translated_permuted_rattled_strained": 24, "spglib_primitive_vs_conventional": 15, "strained": 21, "supercell_2x1x1": 24, "swapped_species": 3, "translated": 24, "volume_scaled": 24],
        "noscale": ["basis_change_unimodular": 24, "permuted": 24, "rattled": 22, "rotated": 24, "rotated_translated_permuted_rattled_strained": 23, "spglib_primitive_vs_conventional": 15, "strained": 21, "supercell_2x1x1": 24, "swapped_species": 3, "translated": 24, "volume_scaled": 24],
        "element": ["basis_change_unimodular": 24, "permuted": 24, "rattled": 22, "rotated": 24, "rotated_translated_permuted_rattled_strained": 23, "spglib_primitive_vs_conventional": 15, "strained": 21, "supercell_2x1x1": 24, "swapped_species": 3, "translated": 24, "volume_scaled": 24],
        "disorder": ["basis_change_unimodular": 24, "permuted": 24, "rattled": 22, "rotated": 24, "rotated_translated_permuted_rattled_strained": 23, "spglib_primitive_vs_conventional": 15, "strained": 21, "supercell_2x1x1": 24, "swapped_species": 3, "translated": 24, "volume_scaled": 24],
        "noprim_subset": ["basis_change_unimodular": 24, "different_stoichiometry": 25, "permuted": 24, "rattled": 24, "rotated": 24, "rotated_translated_permuted_rattled_strained": 24, "strained": 21, "swapped_species": 3, "translated": 24, "volume_scaled": 24],
        "subset": ["basis_change_unimodular": 24, "different_stoichiometry": 23, "permuted": 24, "rattled": 22, "rotated": 24, "rotated_translated_permuted_rattled_strained": 23, "spglib_primitive_vs_conventional": 15, "strained": 21, "supercell_2x1x1": 24, "swapped_species": 3, "translated": 24, "volume_scaled": 24],
    ]
    static let matchers: [String: StructureMatcher] = [
        "noprim": StructureMatcher(primitiveCell: false),
        "noprim_supercell": StructureMatcher(primitiveCell: false, attemptSupercell: true),
        "noscale": StructureMatcher(scale: false),
        "element": StructureMatcher(comparator: .element),
        "disorder": StructureMatcher(comparator: .disorder),
        "noprim_subset": StructureMatcher(primitiveCell: false, allowSubset: true),
        "subset": StructureMatcher(allowSubset: true),
    ]

    func pairs() throws -> [(id: String, transform: String, a: Structure, b: Structure)] {
        let root = try XCTUnwrap(Fixtures.json("matcher") as? [String: Any])
        return try (root["pairs"] as! [[String: Any]]).map {
            ($0["id"] as! String, $0["transform"] as! String, try Fixtures.structure($0["structure_1"]!),
             try Fixtures.structure($0["structure_2"]!))
        }
    }

    func testOptionsAgreeWithPymatgenCounts() throws {
        let all = try pairs()
        for (name, matcher) in Self.matchers.sorted(by: { $0.key < $1.key }) {
            var counts: [String: Int] = [:]
            for p in all where matcher.fit(p.a, p.b) { counts[p.transform, default: 0] += 1 }
            XCTAssertEqual(counts, Self.expectedFits[name]!, "[\(name)] fits per transform differ from pymatgen")
        }
    }

    func testSymmetricFitIsSymmetric() throws {
        let matcher = StructureMatcher.cdvae
        var asymmetric: [String] = []
        for p in try pairs() where matcher.fit(p.a, p.b, symmetric: true) != matcher.fit(p.b, p.a, symmetric: true) {
            asymmetric.append(p.id)
        }
        XCTAssertEqual(asymmetric, [])
    }

    func testElementComparatorIgnoresOxidationStates() throws {
        let lattice = Lattice.cubic(4.2)
        let charged = Structure(lattice: lattice, sites: [Site(try Species("Fe2+"), Vec3(0, 0, 0)),
                                                          Site(try Species("O2-"), Vec3(0.5, 0.5, 0.5))])
        let neutral = Structure(lattice: lattice, species: [try Element("Fe"), try Element("O")],
                                fracCoords: [Vec3(0, 0, 0), Vec3(0.5, 0.5, 0.5)])
        XCTAssertFalse(StructureMatcher().fit(charged, neutral))
        XCTAssertTrue(StructureMatcher(comparator: .element).fit(charged, neutral))
    }

    /// A disordered (Fe½Ni½)O rock salt matches an ordered FeNiO₂ layering of it with the
    /// order–disorder comparator and supercells, as pymatgen answers (rms 0).
    func testDisorderedSiteMatchesOrderedSites() throws {
        let fcc = [Vec3(0, 0, 0), Vec3(0.5, 0.5, 0), Vec3(0.5, 0, 0.5), Vec3(0, 0.5, 0.5)]
        let anions = [Vec3(0.5, 0, 0), Vec3(0, 0.5, 0), Vec3(0, 0, 0.5), Vec3(0.5, 0.5, 0.5)]
        let (fe, ni, o) = (try Element("Fe"), try Element("Ni"), try Element("O"))
        let mixed = [Site.SpeciesOccupancy(Species(fe), 0.5), Site.SpeciesOccupancy(Species(ni), 0.5)]
        let disordered = Structure(lattice: .cubic(4.2), sites: fcc.map { Site(occupancy: mixed, frac: $0) } + anions.map { Site(o, $0) })
        let ordered = Structure(lattice: .cubic(4.25), species: [fe, fe, ni, ni, o, o, o, o], fracCoords: fcc + anions)
        XCTAssertFalse(StructureMatcher().fit(disordered, ordered))
        XCTAssertFalse(StructureMatcher(comparator: .disorder).fit(disordered, ordered))
        let matcher = StructureMatcher(attemptSupercell: true, comparator: .disorder)
        XCTAssertTrue(matcher.fit(disordered, ordered))
        XCTAssertTrue(matcher.fit(ordered, disordered))
        let d = try XCTUnwrap(matcher.rmsDistance(disordered, ordered))
        XCTAssertEqual(d.rms, 0, accuracy: 1e-8)
    }

    /// Structures that cannot be matched give "no match" rather than a crash.
    func testDegenerateInputsMatchNothing() throws {
        let o = try Element("O")
        let good = Structure(lattice: .cubic(3), species: [o], fracCoords: [.zero])
        let empty = Structure(lattice: .cubic(3), sites: [])
        let flat = Structure(lattice: Lattice(Matrix3(Vec3(3, 0, 0), Vec3(0, 3, 0), Vec3(0, 0, 0))), species: [o], fracCoords: [.zero])
        for bad in [empty, flat] {
            XCTAssertFalse(StructureMatcher().fit(good, bad))
            XCTAssertFalse(StructureMatcher(allowSubset: true).fit(bad, good))
            XCTAssertNil(StructureMatcher().rmsDistance(bad, good))
        }
        XCTAssertTrue(StructureMatcher().fit(good, good))
    }
}
