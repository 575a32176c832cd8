/// A binary classifier's confusion counts against true labels, with precision, recall, F1 and
/// accuracy (scikit-learn's definitions; a ratio with a zero denominator is 0, as its `zero_division=0`).
public struct ConfusionCounts: Sendable, Codable, Equatable {
    public var truePositives = 0
    public var falsePositives = 0
    public var falseNegatives = 0
    public var trueNegatives = 0

    /// Counts of `predicted` against `actual` (equal lengths).
    public init(predicted: [Bool], actual: [Bool]) {
        precondition(predicted.count == actual.count, "confusion counts need equal-length lists")
        for (p, a) in zip(predicted, actual) {
            switch (p, a) {
            case (true, true): truePositives += 1
            case (true, false): falsePositives += 1
            case (false, true): falseNegatives += 1
            case (false, false): trueNegatives += 1
            }
        }
    }

    public var count: Int { truePositives + falsePositives + falseNegatives + trueNegatives }
    /// TP / (TP + FP).
    public var precision: Double { Self.ratio(truePositives, truePositives + falsePositives) }
    /// TP / (TP + FN).
    public var recall: Double { Self.ratio(truePositives, truePositives + falseNegatives) }
    /// 2TP / (2TP + FP + FN), the harmonic mean of precision and recall.
    public var f1: Double { Self.ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives) }
    /// (TP + TN) / all.
    public var accuracy: Double { Self.ratio(truePositives + trueNegatives, count) }

    private static func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}
