/// One fitted tree in flat arrays: node k is a leaf when `feature[k]` < 0 (its output is
/// `value[k]`), else rows with x[feature] ≤ threshold or NaN go to `left[k]`, the rest to `right[k]`.
/// Node 0 is the root.
public struct RegressionTree: Sendable, Codable, Equatable {
    public var feature: [Int]
    public var threshold: [Double]
    public var left: [Int]
    public var right: [Int]
    public var value: [Double]

    public init() {
        feature = [-1]; threshold = [0]; left = [-1]; right = [-1]; value = [0]
    }

    public var leafCount: Int { feature.filter { $0 < 0 }.count }

    /// The output for one feature row.
    public func predict(_ x: [Double]) -> Double { value[leaf(x)] }

    /// The index of the leaf that `x` falls in.
    public func leaf(_ x: [Double]) -> Int {
        var k = 0
        while feature[k] >= 0 {
            let v = x[feature[k]]
            k = v.isNaN || v <= threshold[k] ? left[k] : right[k]
        }
        return k
    }

    /// Turns leaf `k` into a split with two new leaves; returns their indices.
    mutating func split(_ k: Int, feature f: Int, threshold t: Double) -> (Int, Int) {
        let l = feature.count, r = l + 1
        feature[k] = f; threshold[k] = t; left[k] = l; right[k] = r
        feature += [-1, -1]; threshold += [0, 0]; left += [-1, -1]; right += [-1, -1]; value += [0, 0]
        return (l, r)
    }
}
