import Foundation
import Learning

/// Held-out metrics of a synthesizability model: the test part (never trained on, nor used for early
/// stopping or the threshold), generated compositions counted as negatives as SynthNN counts them —
/// some of them are surely synthesizable, so precision is a lower bound.
public struct SynthesizabilityMetrics: Sendable, Codable, Equatable {
    /// Precision, recall and F1 of one classifier with its confusion counts.
    public struct Classification: Sendable, Codable, Equatable {
        public var truePositives, falsePositives, falseNegatives, trueNegatives: Int
        public var precision, recall, f1: Double

        public init(_ c: ConfusionCounts) {
            truePositives = c.truePositives; falsePositives = c.falsePositives
            falseNegatives = c.falseNegatives; trueNegatives = c.trueNegatives
            precision = c.precision; recall = c.recall; f1 = c.f1
        }
    }

    public var trainingPositives = 0, trainingUnlabelled = 0
    public var validationPositives = 0, validationUnlabelled = 0
    public var testPositives = 0, testUnlabelled = 0
    /// The decision threshold (see the recipe) and the validation F1 it reached.
    public var threshold = 0.5
    public var validationF1 = 0.0
    /// The model at `threshold`, and at 0.5.
    public var model: Classification?
    public var modelAtHalf: Classification?
    /// SMACT charge balance alone (`ChargeBalance.isNeutral`) with the ICSD-24 and with pymatgen's common states.
    public var chargeBalanceICSD24: Classification?
    public var chargeBalanceCommon: Classification?
    /// ROC-AUC of the score on the test part.
    public var rocAUC = 0.0
    /// (threshold, precision, recall) on the test part at thresholds 0.1, 0.2, …, 0.9.
    public var precisionRecall: [[Double]] = []
    /// Boosting rounds kept per member (early stopping on validation positives and as many generated).
    public var rounds: [Int] = []
    public var trainingSeconds = 0.0

    public init() {}
}
