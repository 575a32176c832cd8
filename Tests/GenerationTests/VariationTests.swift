import Crystal
import Generation
import XCTest

/// The evolutionary variation operators keep the composition, never put atoms closer than the
/// limit, reproduce from a seed, and refuse parents of different chemical systems.
final class VariationTests: XCTestCase {
    /// Rock-salt NaCl (8 atoms) and the same atoms on a CsCl-like arrangement in a 2×1×1 cell.
    func parents() throws -> (Structure, Structure) {
        let (na, cl) = (try Element("Na"), try Element("Cl"))
        let rockSalt = Structure(lattice: .cubic(5.64), species: [na, na, na, na, cl, cl, cl, cl],
                                 fracCoords: [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0],
                                              [0.5, 0.5, 0.5], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]])
        let cesium = try Structure(lattice: .cubic(3.3), species: [na, cl], fracCoords: [[0, 0, 0], [0.5, 0.5, 0.5]])
            .supercell(2, 2, 1)
        return (rockSalt, cesium)
    }

    func counts(_ s: Structure) -> [Element: Int] { Dictionary(grouping: s.elements, by: { $0 }).mapValues(\.count) }

    func testHeredityKeepsCompositionAndDistances() throws {
        let (a, b) = try parents()
        let v = Variation()
        var rng = SeededGenerator(seed: 7)
        var made = 0
        for _ in 0..<20 {
            guard let child = try v.heredity(a, b, rng: &rng) else { continue }
            made += 1
            XCTAssertEqual(counts(child), counts(a))
            XCTAssertTrue(child.problems(minDistance: v.minDistance).isEmpty, "\(child.problems(minDistance: v.minDistance))")
            XCTAssertGreaterThanOrEqual(child.volume, min(a.volume, b.volume) * 0.5)
            XCTAssertLessThanOrEqual(child.volume, max(a.volume, b.volume) * 1.5)
        }
        XCTAssertGreaterThan(made, 10, "most splices of two NaCl cells give a child")
        var r1 = SeededGenerator(seed: 3), r2 = SeededGenerator(seed: 3)
        XCTAssertEqual(try v.heredity(a, b, rng: &r1)?.sites, try v.heredity(a, b, rng: &r2)?.sites, "a seed reproduces the child")
    }

    func testHeredityRefusesParentsOfDifferentSystems() throws {
        let (a, _) = try parents()
        var other = a
        other.sites[0] = Site(try Element("K"), other.sites[0].frac)
        var rng = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try Variation().heredity(a, other, rng: &rng)) { error in
            XCTAssertTrue("\(error)".contains("one chemical system"), "\(error)")
        }
    }

    /// Parents of one system but different compositions give a child of the first parent's composition.
    func testHeredityRepairsToTheFirstParentsComposition() throws {
        let (a, _) = try parents()
        var sodiumRich = a
        sodiumRich.sites[4] = Site(try Element("Na"), sodiumRich.sites[4].frac)
        var rng = SeededGenerator(seed: 5)
        var made = 0
        for _ in 0..<10 {
            guard let child = try Variation().heredity(sodiumRich, a, rng: &rng) else { continue }
            made += 1
            XCTAssertEqual(counts(child), counts(sodiumRich))
        }
        XCTAssertGreaterThan(made, 0)
    }

    func testStrainKeepsVolumeAndCoordinates() throws {
        let (a, _) = try parents()
        var rng = SeededGenerator(seed: 5)
        let child = try XCTUnwrap(Variation().strained(a, rng: &rng))
        XCTAssertEqual(child.volume, a.volume, accuracy: 1e-9 * a.volume)
        XCTAssertEqual(child.fracCoords, a.fracCoords)
        XCTAssertNotEqual(child.lattice.parameters, a.lattice.parameters)
    }

    func testPermutationSwapsSpeciesOnly() throws {
        let (a, _) = try parents()
        var rng = SeededGenerator(seed: 9)
        let child = try XCTUnwrap(Variation().permuted(a, swaps: 2, rng: &rng))
        XCTAssertEqual(counts(child), counts(a))
        XCTAssertEqual(child.fracCoords, a.fracCoords)
        XCTAssertNotEqual(child.elements, a.elements)
        let iron = Structure(lattice: .cubic(2.87), species: [try Element("Fe"), try Element("Fe")], fracCoords: [[0, 0, 0], [0.5, 0.5, 0.5]])
        XCTAssertNil(Variation().permuted(iron, rng: &rng), "one element: nothing to permute")
    }

    func testPerturbationMovesWithinTheLimit() throws {
        let (a, _) = try parents()
        var v = Variation()
        v.displacement = 0.3
        var rng = SeededGenerator(seed: 11)
        let child = try XCTUnwrap(v.perturbed(a, rng: &rng))
        XCTAssertEqual(counts(child), counts(a))
        for (p, q) in zip(a.fracCoords, child.fracCoords) {
            XCTAssertLessThanOrEqual(a.lattice.minimumImageDistance(p, q), 0.3 + 1e-9)
        }
    }
}
