/// Per-feature bin edges for histogram-based trees (as LightGBM and scikit-learn's
/// HistGradientBoosting): bin 0 holds missing values (NaN), bin b ≥ 1 holds values x with
/// edges[b-2] < x ≤ edges[b-1]. Edges are midpoints between distinct training values, or
/// quantiles when a feature has more distinct values than bins, rounded to single precision so
/// that trees store them compactly (`RegressionTree`'s coding) and route exactly as in training.
public struct FeatureBins: Sendable, Codable, Equatable {
    public var edges: [[Double]]

    /// Edges from the columns of `rows` (row-major, every row the same length), at most `maxBins`
    /// bins per feature besides the missing bin (2…255).
    public init(rows: [[Double]], maxBins: Int = 255) {
        precondition((2...255).contains(maxBins), "maxBins must be in 2...255")
        let width = rows.first?.count ?? 0
        edges = (0..<width).map { j in
            let values = rows.map { $0[j] }.filter { !$0.isNaN }.sorted()
            var distinct: [Double] = []
            for v in values where distinct.last != v { distinct.append(v) }
            let candidates = distinct.count <= maxBins
                ? zip(distinct, distinct.dropFirst()).map { ($0 + $1) / 2 }
                : (1..<maxBins).map { values[$0 * values.count / maxBins] }.filter { $0 < distinct.last! }
            var out: [Double] = []
            for c in candidates {
                let e = Double(Float(c))
                if out.last.map({ e > $0 }) ?? true { out.append(e) }
            }
            return out
        }
    }

    public var featureCount: Int { edges.count }

    /// The bin of value `x` of feature `j`.
    public func bin(_ x: Double, feature j: Int) -> UInt8 {
        if x.isNaN { return 0 }
        let e = edges[j]
        var lo = 0, hi = e.count  // first edge ≥ x
        while lo < hi {
            let mid = (lo + hi) / 2
            if e[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return UInt8(lo + 1)
    }

    /// The raw threshold of a split that sends bins ≤ `b` left: x ≤ threshold (NaN always left);
    /// −∞ for b = 0 (only missing values go left).
    public func threshold(bin b: Int, feature j: Int) -> Double { b == 0 ? -.infinity : edges[j][b - 1] }

    /// Feature-major bins of `rows`: result[j * rows.count + i] is the bin of rows[i][j].
    public func binned(_ rows: [[Double]]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: rows.count * featureCount)
        for (i, row) in rows.enumerated() {
            for j in 0..<featureCount { out[j * rows.count + i] = bin(row[j], feature: j) }
        }
        return out
    }
}
