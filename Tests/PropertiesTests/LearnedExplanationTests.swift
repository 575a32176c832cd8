import Crystal
import Foundation
import Learning
import Properties
import XCTest

/// TreeSHAP explanations of the bundled composition models: they add up to what the models
/// predict, name the features with their values, and refuse what they cannot explain.
final class LearnedExplanationTests: XCTestCase {
    func testExplanationsAddUpToThePredictions() throws {
        let tolerance = 1e-9  // relative: a few thousand trees summed in two orders
        for property in LearnedProperty.allCases {
            let model = try XCTUnwrap(LearnedModelTests.models.get()[property])
            for formula in ["NaCl", "Cu3Au"] {
                let composition = try Composition(formula)
                let e = try model.explain(composition)
                let x = try CompositionFeatures.features(of: composition)
                let raw = model.ensemble.members.map { $0.rawScore(x) }.reduce(0, +) / Double(model.ensemble.members.count)
                let sum = e.contributions.reduce(e.base) { $0 + $1.contribution }
                XCTAssertEqual(sum, e.prediction, accuracy: tolerance * max(1, abs(raw)), "\(property) \(formula)")
                XCTAssertEqual(e.prediction, raw, accuracy: tolerance * max(1, abs(raw)), "\(property) \(formula)")
                if property == .isMetal {
                    XCTAssertEqual(e.unit, "log-odds")
                } else {
                    XCTAssertEqual(e.unit, property.unit)
                    XCTAssertEqual(max(e.prediction, property == .bandGap ? 0 : -.infinity), try model.predict(composition).mean,
                                   accuracy: tolerance * max(1, abs(raw)), "\(property) \(formula)")
                }
                XCTAssertEqual(e.contributions.count, CompositionFeatures.names.count)
                XCTAssertEqual(Set(e.contributions.map(\.feature)), Set(CompositionFeatures.names))
                let magnitudes = e.contributions.map { abs($0.contribution) }
                XCTAssertEqual(magnitudes, magnitudes.sorted(by: >), "largest first")
                for c in e.contributions.prefix(5) {
                    let j = try XCTUnwrap(CompositionFeatures.names.firstIndex(of: c.feature))
                    XCTAssertTrue(c.value == x[j] || (c.value.isNaN && x[j].isNaN), "\(c.feature)")
                }
            }
        }
    }

    /// A model file from before node covers were recorded still predicts, but explaining it is an
    /// error that says to retrain; an unknown element is refused as in `predict`.
    func testRefusals() throws {
        var model = try XCTUnwrap(LearnedModelTests.models.get()[.formationEnergy])
        XCTAssertThrowsError(try model.explain(Composition("OgF2"))) { error in
            XCTAssertTrue("\(error)".contains("element Og"), "\(error)")
        }
        for m in model.ensemble.members.indices {
            for t in model.ensemble.members[m].trees.indices { model.ensemble.members[m].trees[t].cover = nil }
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-no-covers-\(UUID().uuidString).json.gz")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.write(to: url)
        let old = try LearnedModel(contentsOf: url)
        XCTAssertEqual(try old.predict(Composition("NaCl")).mean, try model.predict(Composition("NaCl")).mean)
        XCTAssertThrowsError(try old.explain(Composition("NaCl"))) { error in
            XCTAssertTrue("\(error)".contains("retrain it with `kiln train`"), "\(error)")
        }
    }
}
