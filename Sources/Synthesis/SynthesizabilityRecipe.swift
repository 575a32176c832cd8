import Foundation
import Learning

/// How the synthesizability model is trained: enough to reproduce it with `kiln train synthesizability`.
public struct SynthesizabilityRecipe: Sendable, Codable, Equatable {
    /// Seeds the generated compositions and every member's sample and feature draws.
    public var seed: UInt64 = 0
    /// Bagged members (PU bagging: each sees every training positive and its own sample of the unlabelled pool).
    public var members = 5
    /// Unlabelled compositions generated per training positive (the pool the members draw from).
    public var unlabelledRatio = 2
    /// Unlabelled compositions per positive in the validation and test parts (SynthNN's N_synth = 20).
    public var evaluationRatio = 20
    public var boosting: BoostingParameters = {
        var p = BoostingParameters()
        p.maxRounds = 300
        p.patience = 30
        return p
    }()
    public var maxBins = 255
    public var method = "PU bagging (Mordelet & Vert, Pattern Recognit. Lett. 37, 201, 2014): each member is a logistic "
        + "gradient-boosted tree model of all training positives against as many unlabelled compositions drawn with "
        + "replacement from the training pool; the score is the members' mean"
    public var threshold = "the score threshold of largest F1 on the validation part (positives against generated "
        + "compositions at evaluationRatio, the generated counted as negatives), on a grid of step 0.01"
    public var split = "SHA-256 of the reduced formula, first 8 hex digits mod 10: 0 test, 1 validation, else training"

    public init() {}

    /// SHA-256 of the recipe's JSON.
    public var fingerprint: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return SHA256.hex(bytes: Array((try? e.encode(self)) ?? Data()))
    }
}
