import Crystal
import Generation

/// A structure search run as ask/tell rounds (the pattern of Optuna, scikit-optimize and pymoo):
/// the campaign asks for a batch, relaxes it, and tells the strategy what it found.
///
/// Strategies are rebuilt from the campaign's history on every run: a fresh strategy is told every
/// earlier round in order, then asked for the next. So `ask` must depend only on what was told, the
/// strategy's seed and `round` (draw random numbers from a generator seeded by both), and anything a
/// strategy needs to remember about its own proposals (a particle's velocity, an operator) goes into
/// the proposal's `Provenance`, which comes back in the `Evaluation`. Then a campaign killed at any
/// point resumes without repeating or losing a proposal.
public protocol SearchStrategy: Sendable {
    /// Short name recorded in every candidate's provenance, e.g. "evolutionary".
    var name: String { get }
    /// Records the evaluations of one round (every proposal of this strategy in that round, in the
    /// order they were asked, including those rejected before relaxation).
    mutating func tell(_ evaluations: [Evaluation])
    /// Up to `count` new proposals for round `round` (0-based); fewer (or none) when the strategy
    /// has nothing left to propose. Throws `GenerationError` for an unusable target.
    mutating func ask(count: Int, round: Int) throws -> [Candidate]
}

/// What became of one proposal, as a strategy is told it.
public struct Evaluation: Sendable {
    /// What happened before and during relaxation.
    public enum Outcome: String, Sendable {
        /// Relaxed; `relaxed`, `energyPerAtom` and (when the hull can place it) `eHull` are set.
        case relaxed
        /// Invalid, not charge balanced, too large, or outside the target.
        case rejected
        /// Matched an earlier proposal before relaxation (`duplicateOf` names it).
        case duplicate
        /// Not chosen for relaxation (target screen or the acquisition function).
        case notSelected
        /// The relaxation failed.
        case failed
    }

    /// The campaign's id of the candidate (what `Provenance.parents` refers to).
    public var id: String
    public var round: Int
    public var outcome: Outcome
    public var provenance: Provenance
    /// The structure as proposed.
    public var initial: Structure
    public var relaxed: Structure?
    /// Relaxed energy (eV/atom) from the campaign's potential.
    public var energyPerAtom: Double?
    /// Energy above the reference hull (eV/atom) of the relaxed structure.
    public var eHull: Double?
    /// What the strategy minimises: E_hull, plus the campaign's target penalty when it has targets.
    public var fitness: Double?
    public var duplicateOf: String?

    public init(id: String, round: Int, outcome: Outcome, provenance: Provenance, initial: Structure,
                relaxed: Structure? = nil, energyPerAtom: Double? = nil, eHull: Double? = nil,
                fitness: Double? = nil, duplicateOf: String? = nil) {
        self.id = id
        self.round = round
        self.outcome = outcome
        self.provenance = provenance
        self.initial = initial
        self.relaxed = relaxed
        self.energyPerAtom = energyPerAtom
        self.eHull = eHull
        self.fitness = fitness
        self.duplicateOf = duplicateOf
    }
}
