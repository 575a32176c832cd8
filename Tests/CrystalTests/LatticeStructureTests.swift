import Crystal
import XCTest

final class LatticeStructureTests: XCTestCase {
    let rocksalt = Structure(
        lattice: .cubic(5.64),
        species: [try! Element("Na"), try! Element("Cl")],
        fracCoords: [Vec3(0, 0, 0), Vec3(0.5, 0.5, 0.5)])

    func testParametersRoundTrip() {
        let l = Lattice(a: 3, b: 4, c: 5, alpha: 80, beta: 95, gamma: 110)
        let p = l.parameters
        for (x, y) in zip(p, [3.0, 4, 5, 80, 95, 110]) { XCTAssertEqual(x, y, accuracy: 1e-10) }
        let f = Vec3(0.1, 0.7, -0.3)
        XCTAssertEqual(norm(l.fractional(l.cartesian(f)) - f), 0, accuracy: 1e-12)
        // a·a* = 2π
        XCTAssertEqual(dot(l.matrix[0], l.reciprocal.matrix[0]), 2 * .pi, accuracy: 1e-10)
        XCTAssertEqual(l.metric[1, 1], 16, accuracy: 1e-10)
    }

    func testNiggliAndLLLKeepTheLatticeAndShortenIt() {
        // A badly skewed basis of the simple cubic lattice.
        let skew = Lattice(Matrix3([[1, 0, 0], [7, 1, 0], [3, -5, 1]]) * 2.0)
        XCTAssertEqual(skew.volume, 8, accuracy: 1e-9)
        let lll = skew.lllReduced().lattice
        XCTAssertEqual(lll.volume, 8, accuracy: 1e-9)
        let n = skew.niggliReduced()
        for x in n.parameters[0..<3] { XCTAssertEqual(x, 2, accuracy: 1e-9) }
        for x in n.parameters[3..<6] { XCTAssertEqual(x, 90, accuracy: 1e-9) }
        XCTAssertGreaterThan(n.signedVolume, 0)
    }

    func testMinimumImageInSkewedCell() {
        let l = Lattice(Matrix3([[1, 0, 0], [0.9, 0.2, 0], [0, 0, 1]]))
        let d = l.minimumImageDistance(Vec3(0, 0, 0), Vec3(0, 1, 0) * 0.99)
        // brute force over a wide range
        var best = Double.infinity
        for i in -10...10 { for j in -10...10 { for k in -2...2 {
            best = min(best, norm(l.cartesian(Vec3(0, 0.99, 0) + Vec3(Double(i), Double(j), Double(k)))))
        } } }
        XCTAssertEqual(d, best, accuracy: 1e-12)
    }

    func testDensitySupercellAndDistances() throws {
        XCTAssertEqual(rocksalt.density, (22.98976928 + 35.453) * 1.66053906660 / pow(5.64, 3), accuracy: 1e-3)
        let sc = try rocksalt.supercell(2, 1, 3)
        XCTAssertEqual(sc.count, 12)
        XCTAssertEqual(sc.volume, rocksalt.volume * 6, accuracy: 1e-8)
        XCTAssertEqual(sc.reducedFormula, "NaCl")
        let general = try rocksalt.supercell(Matrix3([[1, 1, 0], [-1, 1, 0], [0, 0, 1]]))
        XCTAssertEqual(general.count, 4)
        XCTAssertEqual(rocksalt.distance(0, 1), 5.64 * sqrt(3) / 2, accuracy: 1e-10)
        XCTAssertEqual(rocksalt.distanceMatrix[1][0], rocksalt.distance(0, 1))
        let nl = NeighborList(structure: rocksalt, cutoff: 2.83)
        // 8 Cl around Na at a√3/2 = 4.88 Å are outside; nothing within 2.83 Å
        XCTAssertEqual(nl.count, 0)
        let nl2 = NeighborList(structure: rocksalt, cutoff: 5.0)
        XCTAssertEqual(nl2.counts(sites: 2), [8, 8])
    }

    /// Sites a hair inside a cell face (as relaxations leave them) keep every image in a supercell.
    func testSupercellKeepsSitesNextToACellFace() throws {
        var edge = rocksalt
        edge.sites[0].frac = Vec3(-1e-12, 1 - 1e-13, 1e-12)
        edge.sites[1].frac = Vec3(0.5 - 1e-12, 1 - 1e-12, 0.5)
        for (m, n) in [((2, 2, 2), 8), ((1, 3, 1), 3), ((1, 1, 1), 1)] {
            let sc = try edge.supercell(m.0, m.1, m.2)
            XCTAssertEqual(sc.count, 2 * n, "\(m)")
            XCTAssertTrue(sc.sites.allSatisfy { $0.frac.min() >= 0 && $0.frac.max() < 1 }, "\(m)")
            XCTAssertEqual(sc.composition.reducedFormula, "NaCl")
        }
        XCTAssertEqual(try edge.supercell(Matrix3([[1, 1, 0], [-1, 1, 0], [0, 0, 1]])).count, 4)
    }

    func testValidityChecksGiveReasons() throws {
        XCTAssertTrue(rocksalt.problems().isEmpty)
        var close = rocksalt
        close.sites[1].frac = Vec3(0.02, 0, 0)
        XCTAssertTrue(close.problems().contains { $0.contains("closer than 0.50") })
        let flat = Structure(lattice: Lattice(Matrix3([[1, 0, 0], [0, 1, 0], [1, 1, 0]])),
                             species: [try Element("Na")], fracCoords: [.zero])
        XCTAssertTrue(flat.problems().contains { $0.contains("degenerate") })
        var nan = rocksalt
        nan.sites[0].frac = Vec3(.nan, 0, 0)
        XCTAssertFalse(nan.problems().isEmpty)
        XCTAssertThrowsError(try close.validate())
    }

    func testPerturbMergeSort() throws {
        let p = rocksalt.perturbed(distance: 0.1, seed: 7)
        for i in 0..<2 {
            let d = norm(rocksalt.lattice.cartesian(p.sites[i].frac - rocksalt.sites[i].frac))
            XCTAssertEqual(d, 0.1, accuracy: 1e-9)
        }
        XCTAssertEqual(p, rocksalt.perturbed(distance: 0.1, seed: 7))
        var dup = rocksalt
        dup.sites.append(Site(try Element("Na"), Vec3(0.999, 0.0005, 1.0)))
        XCTAssertEqual(dup.mergingSites(tolerance: 0.05).count, 2)
        XCTAssertEqual(rocksalt.sorted().sites.map(\.element.symbol), ["Na", "Cl"])
    }
}

/// Regression tests for neighbour lists in very large cells (issue 12, hostile input 2 and 4).
final class LargeCellNeighborTests: XCTestCase {
    /// A NaCl dimer in a 5,000 Å box: the pair is found (the grid used to exceed its limit and
    /// return no pairs, so the dimer got isolated-atom energies).
    func testDimerInHugeBoxKeepsItsPair() throws {
        let box = 5000.0
        let s = Structure(lattice: .cubic(box), species: [try Element("Na"), try Element("Cl")],
                          fracCoords: [Vec3(0.5, 0.5, 0.5), Vec3(0.5 + 2.8 / box, 0.5, 0.5)])
        let list = NeighborList(structure: s, cutoff: 5)
        XCTAssertEqual(list.count, 2)
        XCTAssertEqual(list.distances[0], 2.8, accuracy: 1e-6)
        // Atoms 0.1 Å apart are flagged, not missed.
        let close = Structure(lattice: .cubic(box), species: [try Element("Na"), try Element("Cl")],
                              fracCoords: [Vec3(0.2, 0.3, 0.4), Vec3(0.2 + 0.1 / box, 0.3, 0.4)])
        XCTAssertFalse(close.problems().isEmpty)
    }

    /// A lattice vector of 1e20 Å with atoms spread over the cell does not trap (Double → Int).
    func testAstronomicalLatticeDoesNotTrap() throws {
        let s = Structure(lattice: Lattice(Matrix3(Vec3(1e20, 0, 0), Vec3(0, 5, 0), Vec3(0, 0, 5))),
                          species: [try Element("Na"), try Element("Cl")],
                          fracCoords: [Vec3(0.1, 0, 0), Vec3(0.9, 0.5, 0.5)])
        let list = NeighborList(structure: s, cutoff: 6)
        // Each atom sees its own images along b and c (5 Å) but not the other atom (8e19 Å away).
        XCTAssertEqual(Set(zip(list.centers, list.neighbors).map { [$0.0, $0.1] }), [[0, 0], [1, 1]])
    }
}
