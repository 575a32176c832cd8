import Foundation
import Search

/// How a campaign runs its rounds (`[loop]`, docs/campaign.md). Without the table a campaign is one
/// round in which every generator proposes its whole budget.
public struct LoopSpec: Sendable, Equatable {
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
    /// How a surrogate chooses the proposals to relax (active learning); nil: relax them all.
    public var acquisition: Acquisition?
    /// With an acquisition: proposals per relaxation each round (the pool it chooses from).
    public var poolFactor: Int
    /// eV/atom added to a candidate's fitness per unit of 1 − P(its `[targets]` windows are met), the
    /// probability from the screening predictions (composition and learned targets).
    public var targetWeight: Double

    public init(rounds: Int, batch: Int, maxRelaxations: Int? = nil, timeLimit: Double? = nil, patience: Int? = nil,
                acquisition: Acquisition? = nil, poolFactor: Int = 4, targetWeight: Double = 0.1) {
        self.rounds = rounds
        self.batch = batch
        self.maxRelaxations = maxRelaxations
        self.timeLimit = timeLimit
        self.patience = patience
        self.acquisition = acquisition
        self.poolFactor = poolFactor
        self.targetWeight = targetWeight
    }

    /// Proposals a generator is asked for per round.
    public var proposalsPerRound: Int { acquisition == nil ? batch : batch * poolFactor }
}

extension LoopSpec {
    /// Reads `[loop]`; nil when the table is absent.
    init?(_ r: inout TableReader) throws {
        guard r.isPresent else { return nil }
        let rounds = try r.int("rounds", in: 1...100_000) ?? 10
        let batch = try r.int("batch", in: 1...100_000) ?? 10
        let names = ["none", "greedy", "ucb", "ei", "random"]
        let name = try r.string("acquisition") ?? "none"
        guard names.contains(name) else {
            throw CampaignSpecError(key: "loop.acquisition", reason: "must be one of \(names.joined(separator: ", ")), not '\(name)'")
        }
        let kappa = try r.double("kappa", in: 0...100)
        if kappa != nil && name != "ucb" {
            throw CampaignSpecError(key: "loop.kappa", reason: "applies only with acquisition = \"ucb\"")
        }
        let acquisition = name == "none" ? nil : try Acquisition(name: name, kappa: kappa ?? 2)
        self.init(rounds: rounds, batch: batch, maxRelaxations: try r.int("max_relaxations", in: 1...10_000_000),
                  timeLimit: try r.double("time_limit", in: 1...1e7), patience: try r.int("patience", in: 1...100_000),
                  acquisition: acquisition, poolFactor: try r.int("pool_factor", in: 2...100) ?? 4,
                  targetWeight: try r.double("target_weight", in: 0...10) ?? 0.1)
        if acquisition == nil && r.has("pool_factor") {
            throw CampaignSpecError(key: "loop.pool_factor", reason: "applies only with an acquisition function (acquisition = \"greedy\", \"ucb\", \"ei\" or \"random\")")
        }
        try r.finish()
    }
}
