import Crystal
import KilnTestSupport
import Properties
import XCTest

/// Magpie features against matminer 0.10.1 (scripts/make_composition_features_fixture.py).
final class CompositionFeaturesTests: XCTestCase {
    /// Both sides sum the same double-precision table values, in possibly different orders.
    static let relativeTolerance = 1e-9

    func testMatchesMatminer() throws {
        let fixture = try XCTUnwrap(Fixtures.json("composition_features") as? [String: Any])
        XCTAssertEqual(fixture["labels"] as? [String], CompositionFeatures.names)
        let cases = try XCTUnwrap(fixture["compositions"] as? [[String: Any]])
        XCTAssertGreaterThan(cases.count, 50)
        var failures: [String] = []
        for c in cases {
            let formula = c["formula"] as! String, expected = c["features"] as! [Double]
            let got = try CompositionFeatures.features(of: Composition(formula))
            for (k, (a, b)) in zip(got, expected).enumerated()
            where abs(a - b) > Self.relativeTolerance * max(1, abs(b)) {
                failures.append("\(formula) \(CompositionFeatures.names[k]): \(a) vs matminer \(b)")
            }
        }
        XCTAssertEqual(failures, [], "\(failures.count) mismatches")
    }
}
