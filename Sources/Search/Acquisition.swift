import Foundation

/// A refused active-learning parameter or input; the message names it.
public struct ActiveLearningError: Error, CustomStringConvertible, Equatable {
    public let description: String

    init(_ description: String) { self.description = description }
}

/// How the surrogate's predictions of the fitness (minimised: E_hull, eV/atom) pick the proposals
/// that get the expensive relaxation.
public enum Acquisition: Sendable, Equatable {
    /// Lowest predicted mean μ.
    case greedy
    /// Lowest lower confidence bound μ − κσ (κ ≥ 0; larger κ favours uncertain proposals).
    case ucb(kappa: Double)
    /// Largest expected improvement below the reference `best`: E[max(best − y, 0)] for
    /// y ~ N(μ, σ²), that is (best − μ)Φ(z) + σφ(z) with z = (best − μ)/σ, and max(best − μ, 0)
    /// when σ = 0. For E_hull the campaign passes its stability threshold as `best`, so EI is the
    /// expected margin by which a proposal lands on the stable side.
    case ei
    /// Uniformly random among the proposals (the control arm); reads only their number.
    case random

    /// The acquisition called `name` ("greedy", "ucb", "ei", "random"); `kappa` is UCB's κ.
    public init(name: String, kappa: Double = 2) throws {
        switch name {
        case "greedy": self = .greedy
        case "ucb": self = .ucb(kappa: kappa)
        case "ei": self = .ei
        case "random": self = .random
        default: throw ActiveLearningError("acquisition: unknown \"\(name)\" (greedy, ucb, ei or random)")
        }
        try validate()
    }

    public var name: String {
        switch self {
        case .greedy: "greedy"
        case .ucb: "ucb"
        case .ei: "ei"
        case .random: "random"
        }
    }

    func validate() throws {
        if case .ucb(let kappa) = self, !(kappa.isFinite && kappa >= 0) {
            throw ActiveLearningError("kappa must be a finite number ≥ 0 (got \(kappa))")
        }
    }

    /// Indices of the `count` proposals to relax, best first. Ties keep the lower predicted mean,
    /// then the earlier proposal. `best` is EI's reference (see `ei`); `rng` is drawn from only by
    /// `random`.
    public func select<G: RandomNumberGenerator>(predictions: [(mean: Double, sigma: Double)], count: Int, best: Double,
                                                 rng: inout G) throws -> [Int] {
        try validate()
        guard (0...predictions.count).contains(count) else {
            throw ActiveLearningError("count must be in 0...\(predictions.count) (the pool of predictions), got \(count)")
        }
        if self == .random {
            var order = Array(predictions.indices)
            for k in 0..<count { order.swapAt(k, Int.random(in: k..<order.count, using: &rng)) }
            return Array(order.prefix(count))
        }
        for (k, p) in predictions.enumerated() {
            guard p.mean.isFinite, p.sigma.isFinite, p.sigma >= 0 else {
                throw ActiveLearningError("prediction \(k): mean \(p.mean) and sigma \(p.sigma) must be finite, sigma ≥ 0")
            }
        }
        if self == .ei, !best.isFinite { throw ActiveLearningError("best (EI's reference) must be finite, got \(best)") }
        let scores: [Double] = predictions.map { self.score($0.mean, $0.sigma, best: best) }
        let means: [Double] = predictions.map(\.mean)
        let order = predictions.indices.sorted { (a: Int, b: Int) -> Bool in
            if scores[a] != scores[b] { return scores[a] > scores[b] }
            return means[a] != means[b] ? means[a] < means[b] : a < b
        }
        return Array(order.prefix(count))
    }

    /// What `select` maximises for one prediction.
    func score(_ mean: Double, _ sigma: Double, best: Double) -> Double {
        switch self {
        case .greedy, .random: -mean
        case .ucb(let kappa): -(mean - kappa * sigma)
        case .ei: Self.expectedImprovement(mean: mean, sigma: sigma, best: best)
        }
    }

    /// E[max(best − y, 0)] for y ~ N(mean, sigma²).
    static func expectedImprovement(mean: Double, sigma: Double, best: Double) -> Double {
        let gap = best - mean
        guard sigma > 0 else { return max(gap, 0) }
        let z = gap / sigma
        let cdf = 0.5 * erfc(-z / 2.0.squareRoot())
        let pdf = exp(-z * z / 2) / (2 * Double.pi).squareRoot()
        return max(gap * cdf + sigma * pdf, 0)
    }
}
