import Crystal
import Learning
import Potentials

extension LearnedModel {
    /// Why the model predicts what it does for one composition: the exact TreeSHAP values of its
    /// features (docs/learning.md). `base + Σ contributions = prediction`.
    public struct Explanation: Sendable, Codable, Equatable {
        /// One feature's share of the prediction.
        public struct Contribution: Sendable, Codable, Equatable {
            /// The feature's name (as matminer names the Magpie features).
            public var feature: String
            /// The feature's value for the explained composition.
            public var value: Double
            /// Its SHAP value, in the explanation's `unit`.
            public var contribution: Double
        }

        public var property: LearnedProperty
        /// The scale of base, prediction and contributions: the property's unit for regressions,
        /// "log-odds" for is_metal (the classifier's trees add up in log-odds, not probability).
        public var unit: String
        /// The expected output over the training data (the members' cover-weighted mean).
        public var base: Double
        /// The explained output: the members' mean raw score. For regressions the predicted mean
        /// before band gaps are clipped at 0; for is_metal the mean log-odds, whose logistic is close
        /// to (not exactly) the predicted probability, the mean of the members' probabilities.
        public var prediction: Double
        /// Every feature's contribution, largest |contribution| first.
        public var contributions: [Contribution]
    }

    /// The TreeSHAP explanation of a composition model's prediction for `composition` (errors as
    /// `predict`, and when the model file carries no node covers).
    public func explain(_ composition: Composition) throws -> Explanation {
        try explain(features: compositionModelFeatures(composition))
    }

    /// The TreeSHAP explanation of the prediction for `structure` (structure models evaluate it with `chgnet`).
    public func explain(_ structure: Structure, chgnet: CHGNet?) throws -> Explanation {
        try explain(features: features(structure, chgnet: chgnet))
    }

    func explain(features x: [Double]) throws -> Explanation {
        let shap: SHAPValues
        do { shap = try TreeSHAP.explain(ensemble, x) } catch let error as TreeSHAPError {
            throw PropertyError.undefined("\(property.rawValue): cannot explain the model: \(error)")
        }
        let contributions = x.indices
            .map { Explanation.Contribution(feature: featureNames[$0], value: x[$0], contribution: shap.values[$0]) }
            .sorted { abs($0.contribution) > abs($1.contribution) }
        return Explanation(property: property, unit: property.loss == .logistic ? "log-odds" : property.unit,
                           base: shap.base, prediction: shap.output, contributions: contributions)
    }
}
