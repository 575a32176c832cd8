import Foundation

/// Held-out metrics of predictions against targets.
public enum Metrics {
    public static func meanAbsoluteError(_ predicted: [Double], _ targets: [Double]) -> Double {
        precondition(predicted.count == targets.count && !targets.isEmpty, "MAE needs equal, non-empty lists")
        return zip(predicted, targets).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(targets.count)
    }

    /// Area under the ROC curve of `scores` for 0/1 `labels` (Mann–Whitney U, ties counted half).
    public static func rocAUC(_ scores: [Double], _ labels: [Bool]) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0, t = 0
        while t < order.count {
            var u = t
            while u + 1 < order.count && scores[order[u + 1]] == scores[order[t]] { u += 1 }
            let rank = Double(t + u) / 2 + 1
            for k in t...u where labels[order[k]] { rankSum += rank }
            t = u + 1
        }
        let positives = Double(labels.filter { $0 }.count), negatives = Double(labels.count) - positives
        precondition(positives > 0 && negatives > 0, "ROC-AUC needs both classes")
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// Share of targets within `k` σ of the mean.
    public static func coverage(mean: [Double], sigma: [Double], targets: [Double], k: Double) -> Double {
        let inside = targets.indices.filter { abs(targets[$0] - mean[$0]) <= k * sigma[$0] }.count
        return Double(inside) / Double(targets.count)
    }

    /// The reliability table of Gaussian predictive intervals: for each nominal probability p, the
    /// observed share of targets inside the central interval mean ± z_p σ.
    public static func intervalReliability(mean: [Double], sigma: [Double], targets: [Double],
                                           levels: [Double] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.683, 0.8, 0.9, 0.954, 0.99])
        -> [(nominal: Double, observed: Double)]
    {
        levels.map { ($0, coverage(mean: mean, sigma: sigma, targets: targets, k: normalQuantile((1 + $0) / 2))) }
    }

    /// The reliability table of probabilities: per bin of width 1/`bins`, the count, mean predicted
    /// probability and observed share of positives (empty bins left out).
    public static func probabilityReliability(_ p: [Double], _ labels: [Bool], bins: Int = 10)
        -> [(count: Int, predicted: Double, observed: Double)]
    {
        (0..<bins).compactMap { b in
            let members = p.indices.filter { min(Int(p[$0] * Double(bins)), bins - 1) == b }
            guard !members.isEmpty else { return nil }
            let n = Double(members.count)
            return (members.count, members.reduce(0) { $0 + p[$1] } / n, Double(members.filter { labels[$0] }.count) / n)
        }
    }

    /// The standard normal quantile (inverse CDF) by bisection on erf, to 1e-12.
    public static func normalQuantile(_ q: Double) -> Double {
        precondition(q > 0 && q < 1, "quantile level must be in (0, 1)")
        var lo = -40.0, hi = 40.0
        while hi - lo > 1e-12 {
            let mid = (lo + hi) / 2
            if 0.5 * (1 + erf(mid / 2.0.squareRoot())) < q { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
