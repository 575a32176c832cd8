import Crystal
import Generation
import Search
import XCTest

final class GeneratorSearchTests: XCTestCase {
    /// Substitution pages through one ranked list: two rounds of 3 are the list's first 6.
    func testSubstitutionPagesThroughItsList() throws {
        let target = try GenerationTarget(systems: ["Li-Mn-O"], maxAtoms: 12)
        var search = SubstitutionSearch(generator: SubstitutionGenerator(), target: target, seed: 1)
        let first = try search.ask(count: 3, round: 0)
        search.tell(first.enumerated().map { i, c in
            Evaluation(id: "s\(i)", round: 0, outcome: .rejected, provenance: c.provenance, initial: c.structure)
        })
        let second = try search.ask(count: 3, round: 1)
        let all = try SubstitutionGenerator().generate(target: target, budget: 6, seed: 1)
        XCTAssertEqual((first + second).map(\.structure), all.map(\.structure))
    }

    /// Random search draws a different batch each round, reproducibly.
    func testRandomSearchRoundsDiffer() throws {
        let target = try GenerationTarget(systems: ["Mg-O"], maxAtoms: 8)
        var a = RandomSearch(generator: RandomSymmetricGenerator(), target: target, seed: 5)
        var b = a
        let r0 = try a.ask(count: 2, round: 0), r1 = try a.ask(count: 2, round: 1)
        XCTAssertEqual(try b.ask(count: 2, round: 1).map(\.structure), r1.map(\.structure))
        XCTAssertNotEqual(r0.map(\.structure), r1.map(\.structure))
    }

    /// A composition target gives only that reduced formula, in 1…maxAtoms/size formula units.
    func testCompositionTarget() throws {
        let target = try GenerationTarget(compositions: [try Composition("Mg2SiO4")], maxAtoms: 14)
        let out = try RandomSymmetricGenerator().generate(target: target, budget: 5, seed: 3)
        XCTAssertEqual(out.count, 5)
        for c in out {
            XCTAssertEqual(c.structure.reducedFormula, "Mg2SiO4")
            XCTAssertTrue([7, 14].contains(c.structure.count), "\(c.structure.count) sites")
        }
        XCTAssertThrowsError(try GenerationTarget(compositions: [try Composition("Mg2SiO4")], maxAtoms: 6)) {
            XCTAssertTrue("\($0)".contains("more than maxAtoms 6"), "\($0)")
        }
    }
}
