import Crystal
import Foundation
import Learning
import Properties
import XCTest

/// The bundled composition models: sensible predictions for well-known compounds, clear errors
/// for elements they never saw, and honest stored metrics.
final class LearnedModelTests: XCTestCase {
    /// Each bundled model, decoded once for the suite.
    static let models = Result { try Dictionary(uniqueKeysWithValues: LearnedProperty.allCases.map { ($0, try LearnedModel.bundled($0)) }) }

    func prediction(_ property: LearnedProperty, _ formula: String) throws -> PropertyValue {
        try Self.models.get()[property]!.predict(Composition(formula))
    }

    func testKnownCompounds() throws {
        // MP (PBE) values: NaCl gap ≈ 5 eV, MgO ≈ 4.5 eV, Cu and Fe metals; NaCl E_form ≈ −2.1,
        // Al2O3 ≈ −3.4 eV/atom. The bounds are loose: these are model errors, not reference checks.
        for f in ["NaCl", "MgO", "LiF"] {
            let gap = try prediction(.bandGap, f)
            XCTAssertGreaterThan(gap.mean, 3, f)
            XCTAssertEqual(gap.unit, "eV")
            XCTAssertGreaterThan(try XCTUnwrap(gap.sigma), 0, f)
            XCTAssertLessThan(try prediction(.isMetal, f).mean, 0.2, f)
        }
        for f in ["Cu", "Fe", "Cu3Au", "Ni3Al"] {
            XCTAssertLessThan(try prediction(.bandGap, f).mean, 0.5, f)
            XCTAssertGreaterThan(try prediction(.isMetal, f).mean, 0.8, f)
        }
        XCTAssertEqual(try prediction(.formationEnergy, "NaCl").mean, -2.1, accuracy: 0.3)
        XCTAssertEqual(try prediction(.formationEnergy, "Al2O3").mean, -3.4, accuracy: 0.3)
        XCTAssertEqual(try prediction(.formationEnergy, "Cu").mean, 0, accuracy: 0.15)
    }

    func testUnknownElementIsNamed() throws {
        XCTAssertThrowsError(try prediction(.bandGap, "OgF2")) { error in
            XCTAssertTrue("\(error)".contains("element Og does not occur in the training data"), "\(error)")
        }
    }

    /// The stored metrics come from the fixed split and beat the training-mean baseline.
    func testStoredMetrics() throws {
        for p in LearnedProperty.allCases {
            let m = try Self.models.get()[p]!
            XCTAssertEqual(m.recipe.property, p)
            XCTAssertEqual(m.featureNames, CompositionFeatures.names)
            XCTAssertGreaterThanOrEqual(m.ensemble.members.count, 5)
            XCTAssertEqual(m.metrics.trainingCount + m.metrics.validationCount + m.metrics.testCount, 36_737)
            if let mae = m.metrics.testMAE { XCTAssertLessThan(mae, 0.5 * m.metrics.baselineMAE!, p.rawValue) }
            if let auc = m.metrics.rocAUC { XCTAssertGreaterThan(auc, 0.9) }
        }
    }
}
