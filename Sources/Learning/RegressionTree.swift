/// One fitted tree in flat arrays: node k is a leaf when `feature[k]` < 0 (its output is
/// `value[k]`), else rows with x[feature] ≤ threshold or NaN go to `left[k]`, the rest to `right[k]`.
/// Node 0 is the root; the children of a split are consecutive (right = left + 1). Thresholds and
/// leaf values are single-precision numbers (bin edges and `GradientBoostedTrees` round them), so
/// the coding stores them as `Float`: `feature` for every node, then per split its threshold and
/// left child, per leaf its value, and the covers (when recorded) for every node.
public struct RegressionTree: Sendable, Codable, Equatable {
    public var feature: [Int]
    public var threshold: [Double]
    public var left: [Int]
    public var right: [Int]
    public var value: [Double]
    /// Per node, the training weight that reached it (bootstrap weights included; single
    /// precision), as `TreeSHAP` needs; nil for a tree decoded from a file written without covers.
    public var cover: [Double]?

    public init() {
        feature = [-1]; threshold = [0]; left = [-1]; right = [-1]; value = [0]
    }

    public var leafCount: Int { feature.filter { $0 < 0 }.count }

    /// The output for one feature row.
    public func predict(_ x: [Double]) -> Double { value[leaf(x)] }

    /// The index of the leaf that `x` falls in.
    public func leaf(_ x: [Double]) -> Int {
        var k = 0
        while feature[k] >= 0 { k = goesLeft(k, x) ? left[k] : right[k] }
        return k
    }

    /// Whether `x` goes to the left child of split node `k` (x ≤ threshold, or missing).
    public func goesLeft(_ k: Int, _ x: [Double]) -> Bool {
        let v = x[feature[k]]
        return v.isNaN || v <= threshold[k]
    }

    private enum CodingKeys: String, CodingKey { case feature, threshold, left, value, cover }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        feature = try c.decode([Int].self, forKey: .feature)
        let n = feature.count
        threshold = [Double](repeating: 0, count: n); left = [Int](repeating: -1, count: n)
        right = left; value = threshold
        let splits = feature.indices.filter { feature[$0] >= 0 }, leaves = feature.indices.filter { feature[$0] < 0 }
        let t = try c.decode([Float].self, forKey: .threshold), l = try c.decode([Int].self, forKey: .left)
        let v = try c.decode([Float].self, forKey: .value)
        guard t.count == splits.count, l.count == splits.count, v.count == leaves.count,
              l.allSatisfy({ $0 > 0 && $0 + 1 < n }), feature.allSatisfy({ $0 >= -1 })
        else { throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "inconsistent tree arrays")) }
        for (k, node) in splits.enumerated() { threshold[node] = Double(t[k]); left[node] = l[k]; right[node] = l[k] + 1 }
        for (k, node) in leaves.enumerated() { value[node] = Double(v[k]) }
        cover = try c.decodeIfPresent([Float].self, forKey: .cover).map { $0.map(Double.init) }
        guard cover.map({ $0.count == n && $0.allSatisfy { $0.isFinite && $0 >= 0 } }) ?? true
        else { throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "covers must be one finite, non-negative weight per node")) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let splits = feature.indices.filter { feature[$0] >= 0 }
        try c.encode(feature, forKey: .feature)
        try c.encode(splits.map { Float(threshold[$0]) }, forKey: .threshold)
        try c.encode(splits.map { left[$0] }, forKey: .left)
        try c.encode(feature.indices.filter { feature[$0] < 0 }.map { Float(value[$0]) }, forKey: .value)
        try c.encodeIfPresent(cover.map { $0.map(Float.init) }, forKey: .cover)
    }

    /// Turns leaf `k` into a split with two new leaves; returns their indices.
    mutating func split(_ k: Int, feature f: Int, threshold t: Double) -> (Int, Int) {
        let l = feature.count, r = l + 1
        feature[k] = f; threshold[k] = t; left[k] = l; right[k] = r
        feature += [-1, -1]; threshold += [0, 0]; left += [-1, -1]; right += [-1, -1]; value += [0, 0]
        return (l, r)
    }
}
