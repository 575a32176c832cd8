import Crystal
import Diffusion
import Generation
import Search
import XCTest

/// The diffusion generator as a campaign strategy: structure prediction of target formulas, de novo
/// generation inside the target's systems, fresh samples each round, clear errors.
final class DiffusionSearchTests: XCTestCase {
    func model() throws -> DiffusionModel {
        var c = DiffusionConfig(species: [8, 22, 38, 56])
        (c.hidden, c.layers, c.timeEmbedding, c.frequencies, c.timesteps) = (16, 1, 8, 2, 20)
        (c.generatesTypes, c.conditionsOnSystem, c.atomCounts) = (true, true, [5: 10, 10: 2])
        return try DiffusionModel(config: c, seed: 1)
    }

    func testPredictsFormulasAndGeneratesInsideSystems() throws {
        var csp = try DiffusionSearch(model: model(), target: GenerationTarget(compositions: [try Composition("SrTiO3")], maxAtoms: 12), seed: 4)
        let first = try csp.ask(count: 3, round: 0)
        XCTAssertEqual(first.count, 3)
        for c in first {
            XCTAssertEqual(c.structure.composition.reducedFormula, "SrTiO3")
            XCTAssertEqual(c.structure.sites.count, 10, "two formula units: the largest trained size within max_atoms")
            XCTAssertEqual(c.provenance.generator, "diffusion")
        }
        let second = try csp.ask(count: 3, round: 1)
        XCTAssertNotEqual(first.map(\.structure), second.map(\.structure))

        var denovo = try DiffusionSearch(model: model(), target: GenerationTarget(systems: ["Ba-Ti-O"], maxAtoms: 8), seed: 4)
        let made = try denovo.ask(count: 6, round: 0)
        XCTAssertFalse(made.isEmpty)
        for c in made {
            XCTAssertLessThanOrEqual(c.structure.sites.count, 8)
            XCTAssert(Set(c.structure.sites.map(\.element.symbol)).isSubset(of: ["Ba", "Ti", "O"]))
        }
        XCTAssertThrowsError(try DiffusionSearch(model: model(), target: GenerationTarget(systems: ["Li-O"]), seed: 0)) {
            XCTAssert("\($0)".contains("does not know Li"), "\($0)")
        }
        XCTAssertThrowsError(try DiffusionSearch(model: model(), target: GenerationTarget(systems: ["Ba-O"]), seed: 0, property: 1))
    }
}
