import Crystal
import Foundation
import Learning
import Properties
import XCTest

/// Training from a recipe: the split is the fixed one, a seeded run grows the shipped model's
/// trees, a run resumes from its member checkpoints to the same model, and checkpoints of another
/// recipe are refused.
final class LearnedTrainerTests: XCTestCase {
    func testSplitResumeAndRecipeCheck() throws {
        let data = try LearnedDataset(property: .formationEnergy)
        XCTAssertEqual([data.training.ids.count, data.validation.ids.count, data.test.ids.count], [29_369, 3_679, 3_689])
        XCTAssertTrue(data.test.ids.allSatisfy { DataSplit(id: $0) == .test })

        var recipe = TrainingRecipe(property: .formationEnergy)
        recipe.members = 2
        recipe.boosting.maxRounds = 3
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var fresh: [Int] = []
        let first = try LearnedTrainer(recipe: recipe, checkpoints: folder).train(on: data) { if $0.boosting != nil { fresh.append($0.member) } }
        XCTAssertEqual(Set(fresh), [0, 1])
        XCTAssertEqual(first.metrics.rounds, [3, 3])
        // Rounds do not depend on later ones, so these are the first trees of the shipped model's
        // first members (same seed and recipe), covers included.
        let shipped = try LearnedModel.bundled(.formationEnergy).ensemble.members
        for k in 0..<2 { XCTAssertEqual(first.ensemble.members[k].trees, Array(shipped[k].trees.prefix(3)), "member \(k)") }

        try FileManager.default.removeItem(at: folder.appendingPathComponent("formation_energy-member-1.json.gz"))
        var resumed: [Int] = []
        let second = try LearnedTrainer(recipe: recipe, checkpoints: folder).train(on: data) { if $0.boosting != nil { resumed.append($0.member) } }
        XCTAssertEqual(Set(resumed), [1], "member 0 comes from its checkpoint, member 1 is trained again")
        XCTAssertEqual(second.ensemble, first.ensemble, "same seed, same model")

        recipe.seed = 1
        XCTAssertThrowsError(try LearnedTrainer(recipe: recipe, checkpoints: folder).train(on: data)) { error in
            XCTAssertTrue("\(error)".contains("another recipe"), "\(error)")
        }
    }

    /// One's own labels: validation rows are those DataSplit puts there, the test rows are the given
    /// ones, and a model of a simple rule learns it (the MAE well below predicting the mean).
    func testOwnLabels() throws {
        let formulas = ["NaCl", "KCl", "NaBr", "KBr", "LiF", "MgO", "CaO", "SrO", "BaO", "ZnS", "GaAs", "AlN", "SiC", "CuCl"]
        let rows = try (0..<400).map { k -> LearnedDataset.Label in
            let c = try Composition(formulas[k % formulas.count])
            return ("row-\(k)", c, Double(c.elements.map(\.z).reduce(0, +)) / 10)  // a rule of the composition alone
        }
        let data = try LearnedDataset(training: Array(rows.prefix(300)), test: Array(rows.suffix(100)))
        XCTAssertEqual(data.test.ids, rows.suffix(100).map(\.id))
        XCTAssertTrue(data.validation.ids.allSatisfy { DataSplit(id: $0) == .validation })
        XCTAssertEqual(data.training.ids.count + data.validation.ids.count, 300)
        XCTAssertGreaterThan(data.validation.ids.count, 10)
        var recipe = TrainingRecipe(property: .formationEnergy)
        recipe.members = 2
        let model = try LearnedTrainer(recipe: recipe).train(on: data)
        XCTAssertLessThan(model.metrics.testMAE!, 0.2 * model.metrics.baselineMAE!)
    }
}
