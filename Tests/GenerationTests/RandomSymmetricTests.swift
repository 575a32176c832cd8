import Crystal
import Foundation
import Generation
import Symmetry
import XCTest

final class RandomSymmetricTests: XCTestCase {
    /// Points equal modulo lattice translations (tolerance in fractional units).
    private func key(_ f: Vec3) -> SIMD3<Int> {
        var w = f - f.rounded(.down)
        w = (w * 1e5).rounded(.toNearestOrEven)
        w.replace(with: 0, where: w .>= 1e5)
        return SIMD3<Int>(Int(w.x), Int(w.y), Int(w.z))
    }

    func testWyckoffTables() throws {
        let fm3m = try WyckoffTable.group(225)
        XCTAssertEqual(fm3m.positions.map(\.multiplicity), [192, 96, 96, 48, 48, 48, 32, 24, 24, 8, 4, 4])
        XCTAssertEqual(fm3m.positions.map(\.letter).joined(), "lkjihgfedcba")
        XCTAssertEqual(fm3m.crystalSystem, .cubic)
        XCTAssertEqual(try WyckoffTable.group(47).positions.first?.letter, "A")
        XCTAssertEqual(try WyckoffTable.group(166).positions.map(\.multiplicity), [36, 18, 18, 18, 9, 9, 6, 3, 3])
        XCTAssertEqual(try WyckoffTable.group(166).crystalSystem, .trigonal)
        XCTAssertThrowsError(try WyckoffTable.group(231))

        // In every group, the general operations applied to a point of any Wyckoff position give
        // exactly that position's orbit, and the first operation is the identity.
        var rng = SeededGenerator(seed: 3)
        var failures: [String] = []
        for n in 1...230 {
            let g = try WyckoffTable.group(n)
            let first = g.operations[0]
            if first.rotation != Matrix3.identity || first.translation != .zero { failures.append("\(n): first op not identity") }
            for w in g.positions {
                let x = Vec3(Double.random(in: 0..<1, using: &rng), Double.random(in: 0..<1, using: &rng),
                             Double.random(in: 0..<1, using: &rng))
                let orbit = w.orbit(x)
                let fromGeneral = Set(g.operations.map { key($0.apply(orbit[0])) })
                if Set(orbit.map(key)) != fromGeneral || Set(orbit.map(key)).count != w.multiplicity {
                    failures.append("\(n)\(w.letter)")
                }
            }
        }
        XCTAssert(failures.isEmpty, "inconsistent Wyckoff positions: \(failures.prefix(20))")
    }

    func testStructuresAreSymmetricSpacedAndBalanced() throws {
        let target = try GenerationTarget(systems: ["Li-Mn-O"])
        let generator = RandomSymmetricGenerator()
        let start = Date()
        let candidates = try generator.generate(target: target, budget: 100, seed: 42)
        let seconds = Date().timeIntervalSince(start)
        print("random-symmetric: 100 Li-Mn-O candidates in \(String(format: "%.2f", seconds)) s")
        XCTAssertLessThan(seconds, 60)
        XCTAssertEqual(candidates.count, 100)

        var failures: [String] = []
        for (k, c) in candidates.enumerated() {
            let s = c.structure
            let sg = try XCTUnwrap(c.provenance.spaceGroup)
            let label = "#\(k) \(s.reducedFormula) SG \(sg)"
            let comp = s.composition
            if Set(comp.elements.map(\.symbol)) != ["Li", "Mn", "O"] || s.count > 20 || !ChargeBalance.isNeutral(comp) {
                failures.append("\(label): composition \(comp.formula)")
            }
            let multiplicities = c.provenance.wyckoffPositions.map { Int($0.split(separator: " ")[1].dropLast())! }
            if multiplicities.reduce(0, +) != s.count { failures.append("\(label): Wyckoff \(c.provenance.wyckoffPositions)") }
            // Minimum distances: factor × sum of covalent radii, periodic images included.
            let radii = s.elements.map { $0.covalentRadius! }
            NeighborList.forEachPair(in: s, cutoff: 2 * 0.75 * radii.max()!) { i, j, _, d in
                if d < 0.75 * (radii[i] + radii[j]) - 1e-9 { failures.append("\(label): sites \(i),\(j) at \(d) Å") }
            }
            // Symmetry: every operation of the group keeps the metric and maps the structure onto itself.
            let group = try WyckoffTable.group(sg)
            let m = s.lattice.metric
            let sites = Set(zip(s.elements, s.fracCoords).map { "\($0.symbol) \(key($1))" })
            for op in group.operations {
                let r = op.rotation
                let rotated = r.transpose * m * r
                for a in 0..<3 { for b in 0..<3 where abs(rotated[a, b] - m[a, b]) > 1e-6 * max(1, abs(m[a, b])) {
                    failures.append("\(label): metric not invariant"); break
                } }
                let images = Set(zip(s.elements, s.fracCoords).map { "\($0.symbol) \(key(op.apply($1)))" })
                if images != sites { failures.append("\(label): not invariant under an operation"); break }
            }
        }
        XCTAssert(failures.isEmpty, "\(failures.count) failures: \(failures.prefix(20))")
        XCTAssertGreaterThan(Set(candidates.compactMap(\.provenance.spaceGroup)).count, 10, "space groups vary")

        // spglib finds at least the built symmetry (all operations of the group in this cell);
        // random coordinates rarely add more, so the group number usually matches.
        var same = 0
        var lower: [String] = []
        for (k, c) in candidates.enumerated() {
            let sg = c.provenance.spaceGroup!
            let dataset = try SymmetryDataset(c.structure, symprec: 1e-3)
            if dataset.number == sg { same += 1 }
            if dataset.operations.count < (try WyckoffTable.group(sg)).operations.count {
                lower.append("#\(k) built \(sg), spglib \(dataset.number)")
            }
        }
        XCTAssert(lower.isEmpty, "spglib finds less symmetry than built: \(lower.prefix(10))")
        XCTAssertGreaterThanOrEqual(same, 60, "spglib agrees on the space group for \(same) of 100")
        print("spglib agrees on the space group for \(same) of 100 random structures")
    }

    func testDeterministicFromSeed() throws {
        let target = try GenerationTarget(systems: ["Li-Mn-O", "Na-Cl"])
        let generator = RandomSymmetricGenerator()
        let a = try generator.generate(target: target, budget: 10, seed: 5)
        XCTAssertEqual(a.count, 10)
        XCTAssert(a.allSatisfy { $0.provenance.generator == "random-symmetric" && $0.provenance.seed == 5 })
        XCTAssertEqual(a.map(\.structure), try generator.generate(target: target, budget: 10, seed: 5).map(\.structure))
        XCTAssertNotEqual(a.map(\.structure), try generator.generate(target: target, budget: 10, seed: 6).map(\.structure))
    }

    func testLimitsGiveClearErrors() throws {
        let target = try GenerationTarget(systems: ["Li-Mn-O"])
        // Distances that cannot be met: the attempt limit stops it with a message.
        let impossible = RandomSymmetricGenerator(distanceFactor: 5, maxAttempts: 300)
        XCTAssertThrowsError(try impossible.generate(target: target, budget: 5, seed: 1)) { error in
            guard case GenerationError.limitReached(let message, let partial) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssert(message.contains("0 of 5 candidates") && message.contains("300 failed attempts in a row"), message)
            XCTAssert(partial.isEmpty)
        }
        // The time limit stops it too.
        let start = Date()
        let slow = RandomSymmetricGenerator(distanceFactor: 5, maxAttempts: .max, timeLimit: 0.5)
        XCTAssertThrowsError(try slow.generate(target: target, budget: 5, seed: 1)) { error in
            XCTAssert("\(error)".contains("stopped by the time limit of 0.5 s"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        // Targets that cannot work are rejected up front.
        XCTAssertThrowsError(try RandomSymmetricGenerator().generate(
            target: try GenerationTarget(systems: ["Li-Mn-O"], maxAtoms: 2), budget: 1, seed: 1)) { error in
            XCTAssert("\(error)".contains("no charge-balanced composition of Li-Mn-O fits in 2 atoms"), "\(error)")
        }
        XCTAssertThrowsError(try RandomSymmetricGenerator(spaceGroups: [300]).generate(target: target, budget: 1, seed: 1))
        XCTAssertThrowsError(try GenerationTarget(systems: ["Li-Xx-O"])) { error in
            XCTAssert("\(error)".contains("unknown element 'Xx'"), "\(error)")
        }
        XCTAssertThrowsError(try GenerationTarget(systems: ["Li-Mn-O"], forbidden: ["Mn"])) { error in
            XCTAssert("\(error)".contains("no chemical system left"), "\(error)")
        }
    }

    func testTargetExpansion() throws {
        let sub = try GenerationTarget(systems: ["O-Mn-Li"], includeSubsystems: true)
        XCTAssertEqual(sub.systems.map(GenerationTarget.name), ["Li-Mn-O", "Li-Mn", "Li-O", "Mn-O"])
        let open = try GenerationTarget(allowed: ["Li", "Na", "O", "S"], elementCount: 2...2, forbidden: ["S"])
        XCTAssertEqual(open.systems.map(GenerationTarget.name), ["Li-Na", "Li-O", "Na-O"])
        let (li, mn, o) = (try Element("Li"), try Element("Mn"), try Element("O"))
        let elements = try GenerationTarget(systems: [[o, mn, li], [li, o], [o, li]], forbidden: [mn])
        XCTAssertEqual(elements.systems, [[li, o]])
        XCTAssertThrowsError(try GenerationTarget(systems: [[li, o, li]])) { error in
            XCTAssert("\(error)".contains("chemical system Li-Li-O repeats an element"), "\(error)")
        }
    }
}
