import Crystal

/// The synthesizability evidence for one candidate: the learned score with its verdict, SMACT charge
/// balance, the most plausible oxidation states and, for a structure, its bond-valence analysis.
public struct SynthesizabilityScore: Sendable {
    /// The reduced composition scored.
    public var composition: Composition
    /// The learned score in [0, 1] (the PU-bagged members' mean: a ranking score, not a calibrated probability).
    public var score: Double
    /// The model's decision threshold.
    public var threshold: Double
    public var oxidation: OxidationPlausibility
    /// The bond-valence analysis of a structure, or why it failed; nil for a composition.
    public var bondValence: Result<BondValencePlausibility, SynthesisError>?

    /// The learned verdict: score ≥ threshold.
    public var isSynthesizable: Bool { score >= threshold }
    /// SMACT charge balance (`OxidationPlausibility.chargeBalanced`).
    public var chargeBalanced: Bool { oxidation.chargeBalanced }
    /// The most plausible oxidation states, if any neutral assignment exists.
    public var oxidationStates: OxidationAssignment? { oxidation.assignment }
}
