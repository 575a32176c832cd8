/// One balanced solid-state reaction to a target from common precursors, with its energy and the
/// competition on the way (`PrecursorRoutes`; docs/synthesis.md gives the ranking rule).
public struct PrecursorRoute: Sendable, Equatable {
    /// A species and its amount per formula unit of the target.
    public struct Term: Sendable, Equatable {
        public let formula: String
        public let coefficient: Double
    }

    /// The target as a whole-number formula in the order given (LiCo2O4 for Li0.5CoO2); the
    /// coefficients are per formula unit of it.
    public let target: String
    /// The solid precursors consumed per formula unit of the target.
    public let precursors: [Term]
    /// O2 taken up per formula unit of the target (0 when none).
    public let oxygenConsumed: Double
    /// Gases given off per formula unit of the target, O2 included when it leaves.
    public let gasesReleased: [Term]
    /// The reaction in whole numbers, e.g. "2 Li2CO3 + 8 MnO2 -> 4 LiMn2O4 + 2 CO2 + O2".
    public let equation: String
    /// ΔE of the reaction (eV per atom of reactants) at the chosen temperature, on the MP scale.
    public let reactionEnergyPerAtom: Double
    /// Phases that a pair of the precursors can form more favourably (per atom of the pair's mixture)
    /// than the target reaction, most favourable first.
    public let competingPhases: [String]
    /// How much more favourable (eV/atom, ≥ 0) the best of those is than the target reaction.
    public let competitionDepth: Double
    /// The precursors air changes on the shelf (`ShelfStability`), with their energies above the
    /// ambient-air hull (eV per cation) as the coefficients.
    public let shelfUnstable: [Term]

    /// The ranking score (eV/atom, lower is better): ΔE per atom plus the competition depth.
    public var score: Double { reactionEnergyPerAtom + competitionDepth }
}
