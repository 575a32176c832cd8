import Crystal
import KilnTestSupport
import Symmetry
import XCTest

/// Checks the spglib binding against spglib's own answers (spglib 2.8.0, Python) on every
/// structure of structures.json, for both recorded symprecs (1e-3 and 0.1, angle tolerance -1).
final class SpglibFixtureTests: XCTestCase {
    struct Block {
        let symprec: Double
        let angleTolerance: Double
        let answer: [String: Any]
    }

    struct Case {
        let id: String
        let structure: Structure
        let blocks: [Block]
    }

    static let cases: [Case] = {
        let root = try! Fixtures.json("structures") as! [String: Any]
        return (root["structures"] as! [[String: Any]]).map { record in
            let blocks = (record["spglib"] as! [[String: Any]]).map {
                Block(symprec: $0["symprec"] as! Double, angleTolerance: $0["angle_tolerance"] as! Double, answer: $0)
            }
            return Case(id: record["id"] as! String, structure: try! Fixtures.structure(record["structure"]!),
                        blocks: blocks)
        }
    }()

    /// Hall numbers whose Hall symbol spglib 2.2 respelled. spglib finds the origin shift by
    /// matching the Hall symbol's generators, and the respelled generators differ from the old
    /// ones by a centring translation, so for these settings the Debian 2.0.2 library may pick an
    /// origin shift that differs from 2.8.0's by a centring vector: the same standardized crystal.
    static let respelledHallNumbers: Set<Int> = [
        40, 43, 46, 49, 52, 55, 91, 94, 97, 100, 103, 106, 191, 192, 193, 194, 195, 196, 203, 204, 205,
        206, 207, 208, 304, 305, 306, 307, 308, 309, 316, 317, 318, 319, 320, 321, 322, 323, 324, 325,
        326, 327, 328, 329, 330, 331, 332, 333, 440, 442, 472, 474, 475, 515, 524, 527, 528,
    ]

    func testEveryFixtureHasBothBlocks() {
        XCTAssertEqual(Self.cases.count, 275)
        XCTAssert(Self.cases.allSatisfy { $0.blocks.map(\.symprec) == [1e-3, 0.1] })
    }

    func testDatasetMatchesSpglib() throws {
        var failures: [String] = []
        var centringShifted: [String] = []
        for c in Self.cases {
            for block in c.blocks {
                let tag = "\(c.id) @ symprec \(block.symprec)"
                let want = block.answer
                XCTAssertNil(want["error"], tag)
                let d: SymmetryDataset
                do {
                    d = try SymmetryDataset(c.structure, symprec: block.symprec, angleTolerance: block.angleTolerance)
                } catch {
                    failures.append("\(tag): threw \(error)"); continue
                }
                func check<T: Equatable>(_ field: String, _ got: T, _ expected: T) {
                    if got != expected { failures.append("\(tag): \(field) \(got) vs \(expected)") }
                }
                check("number", d.number, want["number"] as! Int)
                check("international", d.international, want["international"] as! String)
                check("hall", d.hall, want["hall"] as! String)
                check("hall_number", d.hallNumber, want["hall_number"] as! Int)
                check("pointgroup", d.pointGroup, want["pointgroup"] as! String)
                check("choice", d.choice, want["choice"] as! String)
                check("n_operations", d.operationCount, want["n_operations"] as! Int)
                check("wyckoffs", d.wyckoffs, want["wyckoffs"] as! [String])
                check("site_symmetry_symbols", d.siteSymmetrySymbols, want["site_symmetry_symbols"] as! [String])
                check("equivalent_atoms", d.equivalentAtoms, want["equivalent_atoms"] as! [Int])

                let p = Matrix3(want["transformation_matrix"] as! [[Double]])
                if maxAbs(d.transformationMatrix - p) > 1e-6 {
                    failures.append("\(tag): transformation_matrix \(d.transformationMatrix.array) vs \(p.array)")
                }
                let o = want["origin_shift"] as! [Double]
                let shift = d.originShift - Vec3(o[0], o[1], o[2])
                if !isLatticeVector(shift) {
                    // Allowed only as a centring translation of a respelled Hall setting (see above).
                    let centrings = centringShifts(d)
                    if Self.respelledHallNumbers.contains(d.hallNumber),
                       centrings.contains(where: { isLatticeVector(shift - $0) }) {
                        centringShifted.append("\(tag): origin_shift \(d.originShift) vs \(o) (hall \(d.hallNumber))")
                    } else {
                        failures.append("\(tag): origin_shift \(d.originShift) vs \(o)")
                    }
                }
                if let problem = operationProblem(d, c.structure) { failures.append("\(tag): \(problem)") }
            }
        }
        if !centringShifted.isEmpty {
            print("origin shifts equal up to a centring translation (spglib 2.0.2 vs 2.8.0 Hall generators):\n"
                  + centringShifted.joined(separator: "\n"))
        }
        // In this set: pmg-json:K2O2 at both symprecs (Cmce, Hall 304); see docs/symmetry.md.
        XCTAssert(failures.isEmpty, "\(failures.count) failures:\n" + failures.joined(separator: "\n"))
    }

    func testStandardizedCellsMatchSpglib() throws {
        var failures: [String] = []
        for c in Self.cases {
            for block in c.blocks {
                for cell in StandardCell.allCases {
                    let tag = "\(c.id) @ symprec \(block.symprec) \(cell.rawValue)"
                    let want = try Fixtures.structure(block.answer[cell.rawValue]!)
                    do {
                        let got = try c.structure.standardized(cell, symprec: block.symprec,
                                                               angleTolerance: block.angleTolerance)
                        if let problem = cellDifference(got, want) { failures.append("\(tag): \(problem)") }
                    } catch {
                        failures.append("\(tag): threw \(error)")
                    }
                }
            }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) failures:\n" + failures.joined(separator: "\n"))
    }

    /// Translations of the standardized cell's lattice (centring included) as seen from the input:
    /// P·(n + t) for small integer vectors n and the pure translations t of the space group.
    private func centringShifts(_ d: SymmetryDataset) -> [Vec3] {
        let pure = d.operations.filter(\.isTranslation).map(\.translation)
        var shifts: [Vec3] = []
        for i in -1...1 { for j in -1...1 { for k in -1...1 {
            shifts += pure.map { d.transformationMatrix * ($0 + Vec3(Double(i), Double(j), Double(k))) }
        } } }
        return shifts
    }

    /// The operations must form the space group found: each maps the structure onto itself
    /// (species kept, each site within symprec of a site, bounded per fractional axis), and no two
    /// are equal. The primitive lattice's vectors must be translations of the structure too.
    private func operationProblem(_ d: SymmetryDataset, _ s: Structure) -> String? {
        let z = s.atomicNumbers
        let tolerance = 1.01 * d.symprec / s.lattice.interplanarSpacings.min()
        let points = FracPointSet(s.fracCoords, labels: z, tolerance: tolerance)
        for (k, op) in d.operations.enumerated() {
            for i in 0..<s.count where points.match(op.apply(s.sites[i].frac), label: z[i]) == nil {
                return "operation \(k) does not map site \(i) onto the structure"
            }
        }
        for (k, v) in [d.primitiveLattice.matrix[0], d.primitiveLattice.matrix[1], d.primitiveLattice.matrix[2]].enumerated() {
            let shift = s.lattice.fractional(v)
            if (0..<s.count).contains(where: { points.match(s.sites[$0].frac + shift, label: z[$0]) == nil }) {
                return "primitive lattice vector \(k) is not a translation of the structure"
            }
        }
        let nPrimitive = Double(Set(d.mappingToPrimitive).count)
        if abs(d.primitiveLattice.volume * Double(s.count) - s.volume * nPrimitive) > 1e-6 * s.volume * nPrimitive {
            return "primitive cell volume \(d.primitiveLattice.volume) for \(Int(nPrimitive)) of \(s.count) sites"
        }
        let distinct = Set(d.operations.map { SymmetryOperation(rotation: $0.rotation, translation: wrapped($0.translation)) })
        return distinct.count == d.operations.count ? nil : "repeated operations"
    }
}

/// Compares a standardized cell with spglib's: same lattice matrix (1e-6 Å; spglib's standard
/// orientation is deterministic), and the same species at the same fractional positions as
/// sets, modulo 1, within 1e-5.
func cellDifference(_ got: Structure, _ want: Structure) -> String? {
    if got.count != want.count { return "\(got.count) sites vs \(want.count)" }
    if maxAbs(got.lattice.matrix - want.lattice.matrix) > 1e-6 {
        let sameParameters = zip(got.lattice.parameters, want.lattice.parameters).allSatisfy { abs($0 - $1) < 1e-6 }
        return "lattice \(got.lattice.matrix.array) vs \(want.lattice.matrix.array)"
            + (sameParameters ? " (same parameters, other orientation)" : "")
    }
    let expected = FracPointSet(want.fracCoords, labels: want.atomicNumbers, tolerance: 1e-5)
    var used = Set<Int>()
    for site in got.sites {
        guard let j = expected.match(site.frac, label: site.element.z), used.insert(j).inserted else {
            return "no \(site.element.symbol) at \(site.frac) in the expected cell"
        }
    }
    return nil
}

func maxAbs(_ v: Vec3) -> Double { max(abs(v.x), abs(v.y), abs(v.z)) }

func maxAbs(_ m: Matrix3) -> Double { max(maxAbs(m[0]), maxAbs(m[1]), maxAbs(m[2])) }

func isLatticeVector(_ v: Vec3, tolerance: Double = 1e-6) -> Bool {
    maxAbs(v - v.rounded(.toNearestOrEven)) < tolerance
}

/// A translation wrapped into [0, 1) and rounded to 1e-6, to compare operations.
private func wrapped(_ t: Vec3) -> Vec3 {
    var w = t - t.rounded(.down)
    w = (w * 1e6).rounded(.toNearestOrEven) / 1e6
    w.replace(with: Vec3(repeating: 0), where: w .>= 1)
    return w
}

/// Labelled fractional points bucketed on a grid no finer than the look-up tolerance, so
/// look-ups modulo 1 only visit neighbouring buckets.
struct FracPointSet {
    private let points: [Vec3]
    private let labels: [Int]
    private let tolerance: Double
    private let divisions: Int
    private var buckets: [SIMD3<Int>: [Int]] = [:]

    /// `tolerance` is per fractional axis, modulo 1.
    init(_ points: [Vec3], labels: [Int], tolerance: Double) {
        self.points = points.map { $0 - $0.rounded(.down) }
        self.labels = labels
        self.tolerance = tolerance
        divisions = max(1, min(50, Int(1 / tolerance) - 1))
        for (i, p) in self.points.enumerated() { buckets[bucket(p), default: []].append(i) }
    }

    private func bucket(_ p: Vec3) -> SIMD3<Int> {
        let q = (p * Double(divisions)).rounded(.down)
        return SIMD3(Int(q.x) % divisions, Int(q.y) % divisions, Int(q.z) % divisions)
    }

    /// Index of a point with this label within the tolerance.
    func match(_ p: Vec3, label: Int) -> Int? {
        let w = p - p.rounded(.down)
        let b = bucket(w)
        for dx in -1...1 { for dy in -1...1 { for dz in -1...1 {
            let key = (b &+ SIMD3(dx, dy, dz) &+ divisions) % divisions
            for i in buckets[key] ?? [] where labels[i] == label {
                let d = w - points[i]
                if maxAbs(d - d.rounded(.toNearestOrEven)) <= tolerance { return i }
            }
        } } }
        return nil
    }
}
