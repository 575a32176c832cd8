import Foundation

/// Boosters trained with different seeds and bootstrap samples; the prediction is the members'
/// mean and σ their standard deviation times one calibration factor (`sigmaScale`).
public struct BoostedEnsemble: Sendable, Codable, Equatable {
    public var members: [GradientBoostedTrees]
    /// Multiplies the members' spread into a calibrated σ (fitted on validation data).
    public var sigmaScale: Double

    public init(members: [GradientBoostedTrees], sigmaScale: Double = 1) {
        precondition(!members.isEmpty, "an ensemble needs members")
        self.members = members
        self.sigmaScale = sigmaScale
    }

    /// Mean and calibrated σ of the members' predictions for one feature row.
    public func predict(_ x: [Double]) -> (mean: Double, sigma: Double) {
        let values = members.map { $0.predict(x) }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count - 1, 1))
        return (mean, sigmaScale * variance.squareRoot())
    }

    /// The scale that puts a share `level` (default 68.27 %, ±1σ of a Gaussian) of the targets
    /// inside mean ± scale·spread: the `level` quantile of |target − mean| / spread. A quantile,
    /// not the root-mean-square z, so that a few rows with tiny spread do not set the scale.
    public static func calibrationScale(mean: [Double], spread: [Double], targets: [Double], level: Double = 0.6827) -> Double {
        let z = targets.indices.map { k -> Double in
            let e = abs(targets[k] - mean[k])
            return e == 0 ? 0 : e / max(spread[k], 1e-12)
        }.sorted()
        precondition(!z.isEmpty, "calibration needs data")
        return max(z[min(Int((level * Double(z.count)).rounded(.up)) - 1, z.count - 1)], 1e-12)
    }

    /// Bootstrap counts (bagging): how often each of `n` rows is drawn in `n` draws with replacement.
    public static func bootstrapWeights<G: RandomNumberGenerator>(count n: Int, rng: inout G) -> [Double] {
        var w = [Double](repeating: 0, count: n)
        for _ in 0..<n { w[Int.random(in: 0..<n, using: &rng)] += 1 }
        return w
    }
}
