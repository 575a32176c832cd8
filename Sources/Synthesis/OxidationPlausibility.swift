import Analysis
import Crystal
import Foundation

/// How plausible a composition's oxidation states are, beyond SMACT's yes/no charge balance.
///
/// Every charge-neutral assignment of one state per element that passes the Pauling test
/// (`ChargeBalance.assignments` over SMACT's ICSD-24 states) is weighed by how often each of its
/// states occurs in the ICSD: p(state | element) is pymatgen's `icsd_bv.yaml` occurrence count of
/// the species (the counts pymatgen's `oxi_state_guesses` and `BVAnalyzer` weigh with), plus one,
/// normalised over the element's ICSD-24 states (add-one smoothing, so a state without a count is
/// rare, not impossible). An assignment's probability is the product over its elements.
public struct OxidationPlausibility: Sendable, Hashable {
    /// SMACT's verdict: `ChargeBalance.isNeutral` with the ICSD-24 states and the Pauling test
    /// (single elements and all-metal compositions pass, the latter as alloys).
    public var chargeBalanced: Bool
    /// The most probable neutral assignment (nil when there is none, e.g. for an alloy).
    public var assignment: OxidationAssignment?
    /// The probability of `assignment` (0 when there is none).
    public var assignmentProbability: Double
    /// The probability that states drawn independently per element from the ICSD frequencies are
    /// charge neutral and pass the Pauling test: the sum over every neutral assignment (at most
    /// `assignmentLimit` are enumerated): 0.98 for NaCl, 0.20 for LiCoO2, 0 for NaCl9.
    public var neutralProbability: Double

    /// Most neutral assignments enumerated per composition (bounds the work on many-element formulas).
    public static let assignmentLimit = 10_000

    /// Evaluates a composition (amounts need not be reduced; non-integer amounts have no assignment).
    public init(_ composition: Composition) {
        chargeBalanced = ChargeBalance.isNeutral(composition)
        assignment = nil
        assignmentProbability = 0
        neutralProbability = 0
        for a in ChargeBalance.assignments(composition, limit: Self.assignmentLimit) {
            let p = zip(a.elements, a.oxidationStates).reduce(1.0) { $0 * Self.frequency($1.1, of: $1.0) }
            neutralProbability += p
            if p > assignmentProbability { assignment = a; assignmentProbability = p }
        }
        neutralProbability = min(neutralProbability, 1)
    }

    /// p(state | element): the smoothed ICSD frequency of the state among the element's ICSD-24 states.
    public static func frequency(_ state: Int, of element: Element) -> Double {
        let states = OxidationStateSet.icsd24.states(element)
        guard states.contains(state) else { return 0 }
        let counts = occurrences[element.symbol] ?? [:]
        let total = states.reduce(0.0) { $0 + (counts[$1] ?? 0) + 1 }
        return ((counts[state] ?? 0) + 1) / total
    }

    /// The ICSD occurrence counts (empty when the bond-valence table cannot be read: every state
    /// then weighs the same, and the bond-valence analysis reports that table's error).
    private static let occurrences: [String: [Int: Double]] =
        ((try? BondValenceAnalyzer.icsdStatistics()) ?? [:]).mapValues { $0.mapValues(\.occurrence) }
}
