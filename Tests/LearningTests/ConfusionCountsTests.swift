import Learning
import XCTest

final class ConfusionCountsTests: XCTestCase {
    /// A hand-made confusion: 3 TP, 1 FP, 2 FN, 4 TN → precision 3/4, recall 3/5, F1 6/9, accuracy 7/10.
    func testHandMadeConfusion() {
        let predicted = [true, true, true, true, false, false, false, false, false, false]
        let actual = [true, true, true, false, true, true, false, false, false, false]
        let c = ConfusionCounts(predicted: predicted, actual: actual)
        XCTAssertEqual([c.truePositives, c.falsePositives, c.falseNegatives, c.trueNegatives], [3, 1, 2, 4])
        XCTAssertEqual(c.precision, 0.75, accuracy: 1e-15)
        XCTAssertEqual(c.recall, 0.6, accuracy: 1e-15)
        XCTAssertEqual(c.f1, 2 * 0.75 * 0.6 / (0.75 + 0.6), accuracy: 1e-15)
        XCTAssertEqual(c.accuracy, 0.7, accuracy: 1e-15)
    }

    /// No predicted or actual positives: the undefined ratios are 0 (scikit-learn's zero_division=0).
    func testEmptyClassesGiveZero() {
        let c = ConfusionCounts(predicted: [false, false], actual: [false, false])
        XCTAssertEqual([c.precision, c.recall, c.f1], [0, 0, 0])
        XCTAssertEqual(c.accuracy, 1)
    }
}
