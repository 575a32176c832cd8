import Foundation

/// How a campaign runs its rounds (`[loop]`, docs/campaign.md). Without the table a campaign is one
/// round in which every generator proposes its whole budget.
public struct LoopSpec: Sendable, Equatable {
    /// How the structures to relax are chosen among a round's proposals.
    public enum Acquisition: String, Sendable, CaseIterable {
        /// Relax every proposal (no surrogate).
        case none
        /// Lowest predicted E_hull.
        case greedy
        /// Lowest lower confidence bound μ − κσ.
        case ucb
        /// Largest expected improvement below the best E_hull so far.
        case ei
        /// A random choice (the control arm for measuring the surrogate).
        case random
    }

    /// Most rounds.
    public var rounds: Int
    /// Relaxations per generator per round.
    public var batch: Int
    /// Stop starting rounds once this many relaxations (relaxed or failed) are done; nil: no limit.
    public var maxRelaxations: Int?
    /// Stop starting rounds after this many seconds of campaign wall time; nil: no limit.
    public var timeLimit: Double?
    /// Stop after this many rounds in a row without a new stable, unique, new-structure candidate; nil: never.
    public var patience: Int?
    public var acquisition: Acquisition
    /// With a surrogate: proposals per relaxation each round (the pool the acquisition chooses from).
    public var poolFactor: Int
    /// UCB's κ.
    public var kappa: Double

    public init(rounds: Int, batch: Int, maxRelaxations: Int? = nil, timeLimit: Double? = nil, patience: Int? = nil,
                acquisition: Acquisition = .none, poolFactor: Int = 4, kappa: Double = 1) {
        self.rounds = rounds
        self.batch = batch
        self.maxRelaxations = maxRelaxations
        self.timeLimit = timeLimit
        self.patience = patience
        self.acquisition = acquisition
        self.poolFactor = poolFactor
        self.kappa = kappa
    }

    /// Proposals a generator is asked for per round.
    public var proposalsPerRound: Int { acquisition == .none ? batch : batch * poolFactor }
}

extension LoopSpec {
    /// Reads `[loop]`; nil when the table is absent.
    init?(_ r: inout TableReader) throws {
        guard r.isPresent else { return nil }
        let rounds = try r.int("rounds", in: 1...100_000) ?? 10
        let batch = try r.int("batch", in: 1...100_000) ?? 10
        let acquisitionText = try r.string("acquisition")
        let acquisition = try acquisitionText.map { a -> Acquisition in
            guard let acquisition = Acquisition(rawValue: a) else {
                throw CampaignSpecError(key: "loop.acquisition", reason: "must be one of \(Acquisition.allCases.map(\.rawValue).joined(separator: ", ")), not '\(a)'")
            }
            return acquisition
        } ?? .none
        self.init(rounds: rounds, batch: batch, maxRelaxations: try r.int("max_relaxations", in: 1...10_000_000),
                  timeLimit: try r.double("time_limit", in: 1...1e7), patience: try r.int("patience", in: 1...100_000),
                  acquisition: acquisition, poolFactor: try r.int("pool_factor", in: 2...100) ?? 4,
                  kappa: try r.double("kappa", in: 0...100) ?? 1)
        if acquisition == .none {
            for k in ["pool_factor", "kappa"] where r.has(k) {
                throw CampaignSpecError(key: "loop.\(k)", reason: "applies only with an acquisition function (acquisition = \"greedy\", \"ucb\", \"ei\" or \"random\")")
            }
        }
        try r.finish()
    }
}
