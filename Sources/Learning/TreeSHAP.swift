import KilnSupport

/// SHAP values of one prediction: `base + Σ values` is the explained output, `values[j]` the
/// contribution of feature j.
public struct SHAPValues: Sendable, Equatable {
    /// The expected output with no feature known (the cover-weighted mean over the training data).
    public var base: Double
    /// One contribution per feature of the explained row.
    public var values: [Double]

    /// `base + Σ values`: the explained output.
    public var output: Double { values.reduce(base, +) }
}

/// Why a model cannot be explained.
public enum TreeSHAPError: Error, CustomStringConvertible {
    /// The trees carry no node covers (a model file written before covers were recorded).
    case missingCovers
    /// A node has no positive cover, so the shares of the branches leading to it are undefined.
    case emptyNode(Int)
    /// A tree splits on a feature the row does not have.
    case featureOutOfRange(feature: Int, width: Int)

    public var description: String {
        switch self {
        case .missingCovers:
            return "the model's trees carry no node covers, which explanations need; retrain it with `kiln train`"
        case .emptyNode(let k): return "node \(k) of a tree has cover 0, so its share of the training data is undefined"
        case .featureOutOfRange(let f, let width): return "a tree splits on feature \(f) but the row has \(width) features"
        }
    }
}

/// Exact path-dependent TreeSHAP (Lundberg et al., "Consistent individualized feature attribution
/// for tree ensembles", 2018, Algorithm 2; as the `shap` package's `feature_perturbation =
/// "tree_path_dependent"`): the Shapley values of the game v(S) = E[f(x) | x_S], where the
/// expectation over the unknown features descends both branches of a split on them in proportion
/// to the children's covers. Polynomial time, O(leaves · depth²) per tree.
///
/// Boosters are explained in raw-score space (log-odds for `.logistic`), where trees add up;
/// ensembles as the mean of their members' explanations.
public enum TreeSHAP {
    /// The SHAP values of one tree's output for row `x`.
    public static func explain(_ tree: RegressionTree, _ x: [Double]) throws -> SHAPValues {
        var phi = [Double](repeating: 0, count: x.count)
        let base = try accumulate(tree, x, into: &phi)
        return SHAPValues(base: base, values: phi)
    }

    /// The SHAP values of a booster's raw score (base score plus the trees) for row `x`.
    public static func explain(_ booster: GradientBoostedTrees, _ x: [Double]) throws -> SHAPValues {
        var phi = [Double](repeating: 0, count: x.count)
        var base = booster.baseScore
        for tree in booster.trees { base += try accumulate(tree, x, into: &phi) }
        return SHAPValues(base: base, values: phi)
    }

    /// The SHAP values of an ensemble's mean raw score: the members' values (computed in
    /// parallel on KilnSupport's work queue) averaged.
    public static func explain(_ ensemble: BoostedEnsemble, _ x: [Double]) throws -> SHAPValues {
        let members = try WorkQueue.map(ensemble.members.count) { try explain(ensemble.members[$0], x) }
        var sum = SHAPValues(base: 0, values: [Double](repeating: 0, count: x.count))
        for s in members {
            sum.base += s.base
            for j in x.indices { sum.values[j] += s.values[j] }
        }
        let n = Double(ensemble.members.count)
        return SHAPValues(base: sum.base / n, values: sum.values.map { $0 / n })
    }

    /// The expected output of a tree: leaf values weighted by the share of the root's cover that
    /// reaches them.
    public static func expectedValue(_ tree: RegressionTree) throws -> Double {
        expectedValue(tree, cover: try covers(tree, width: nil))
    }

    private static func expectedValue(_ tree: RegressionTree, cover: [Double]) -> Double {
        func descend(_ k: Int) -> Double {
            guard tree.feature[k] >= 0 else { return tree.value[k] }
            let l = tree.left[k], r = tree.right[k]
            return (cover[l] * descend(l) + cover[r] * descend(r)) / cover[k]
        }
        return descend(0)
    }

    /// Adds the tree's SHAP values for `x` to `phi`; returns its expected value.
    private static func accumulate(_ tree: RegressionTree, _ x: [Double], into phi: inout [Double]) throws -> Double {
        let cover = try covers(tree, width: x.count)
        Walk(tree: tree, cover: cover, x: x).run(phi: &phi)
        return expectedValue(tree, cover: cover)
    }

    /// The tree's covers, checked: present, positive at every node, features within `width`.
    private static func covers(_ tree: RegressionTree, width: Int?) throws -> [Double] {
        guard let cover = tree.cover else { throw TreeSHAPError.missingCovers }
        for k in tree.feature.indices {
            guard cover[k] > 0 else { throw TreeSHAPError.emptyNode(k) }
            if let width, tree.feature[k] >= width { throw TreeSHAPError.featureOutOfRange(feature: tree.feature[k], width: width) }
        }
        return cover
    }
}

/// One feature on the path from the root: the share of cover kept when the feature is unknown
/// (`zero`), whether x follows this branch when it is known (`one`, 0 or 1), and the summed
/// weight of the subsets of path features of each size (`weight`, by position).
private struct PathElement {
    var feature: Int
    var zero: Double
    var one: Double
    var weight: Double
}

/// The recursion of Algorithm 2 over one tree (EXTEND, UNWIND and the unwound sum as in the
/// paper, indices from 0 as in the `shap` package's tree_shap.h). Each level of the recursion
/// keeps its path in a scratch buffer right after its parent's, so nothing is allocated per node.
private struct Walk {
    let tree: RegressionTree
    let cover: [Double]
    let x: [Double]

    /// Adds the tree's contributions for `x` to `phi`.
    func run(phi: inout [Double]) {
        var depth = 0, stack = [(0, 0)]
        while let (k, d) = stack.popLast() {
            depth = max(depth, d)
            if tree.feature[k] >= 0 { stack += [(tree.left[k], d + 1), (tree.right[k], d + 1)] }
        }
        // A path at recursion level L has at most L + 1 elements; levels run from 0 to depth.
        withUnsafeTemporaryAllocation(of: PathElement.self, capacity: (depth + 2) * (depth + 3) / 2) { buffer in
            recurse(0, parent: buffer.baseAddress!, count: 0, zero: 1, one: 1, feature: -1, phi: &phi)
        }
    }

    /// Extends the parent's path (`count` elements at `parent`) by the split that led to `node`,
    /// in the memory right after it, and adds the contributions at the leaves below `node` to `phi`.
    private func recurse(_ node: Int, parent: UnsafeMutablePointer<PathElement>, count: Int,
                         zero: Double, one: Double, feature: Int, phi: inout [Double]) {
        let path = parent + count
        path.update(from: parent, count: count)
        var d = count  // index of the path's last element
        Self.extend(path, d, zero: zero, one: one, feature: feature)
        let f = tree.feature[node]
        guard f >= 0 else {
            for i in stride(from: 1, through: d, by: 1) {
                let e = path[i]
                phi[e.feature] += Self.unwoundSum(path, d, i) * (e.one - e.zero) * tree.value[node]
            }
            return
        }
        let goesLeft = tree.goesLeft(node, x)
        let hot = goesLeft ? tree.left[node] : tree.right[node], cold = goesLeft ? tree.right[node] : tree.left[node]
        var incomingZero = 1.0, incomingOne = 1.0
        if let k = stride(from: 1, through: d, by: 1).first(where: { path[$0].feature == f }) {
            incomingZero = path[k].zero
            incomingOne = path[k].one
            Self.unwind(path, d, k)
            d -= 1
        }
        recurse(hot, parent: path, count: d + 1, zero: cover[hot] / cover[node] * incomingZero, one: incomingOne, feature: f, phi: &phi)
        recurse(cold, parent: path, count: d + 1, zero: cover[cold] / cover[node] * incomingZero, one: 0, feature: f, phi: &phi)
    }

    /// EXTEND: writes element `d` (the path has `d` before it) and updates the subset-size weights.
    private static func extend(_ path: UnsafeMutablePointer<PathElement>, _ d: Int, zero: Double, one: Double, feature: Int) {
        path[d] = PathElement(feature: feature, zero: zero, one: one, weight: d == 0 ? 1 : 0)
        let n = Double(d + 1)
        for i in stride(from: d - 1, through: 0, by: -1) {
            path[i + 1].weight += one * path[i].weight * Double(i + 1) / n
            path[i].weight = zero * path[i].weight * Double(d - i) / n
        }
    }

    /// UNWIND: removes element `k` of the path `path[0...d]`, undoing its EXTEND.
    private static func unwind(_ path: UnsafeMutablePointer<PathElement>, _ d: Int, _ k: Int) {
        let n = Double(d + 1), one = path[k].one, zero = path[k].zero
        var next = path[d].weight
        for i in stride(from: d - 1, through: 0, by: -1) {
            if one != 0 {
                let t = path[i].weight
                path[i].weight = next * n / (Double(i + 1) * one)
                next = t - path[i].weight * zero * Double(d - i) / n
            } else {
                path[i].weight = path[i].weight * n / (zero * Double(d - i))
            }
        }
        for i in k..<d {
            path[i].feature = path[i + 1].feature
            path[i].zero = path[i + 1].zero
            path[i].one = path[i + 1].one
        }
    }

    /// The total weight of `path[0...d]` with element `k` unwound (UNWIND without changing it).
    private static func unwoundSum(_ path: UnsafeMutablePointer<PathElement>, _ d: Int, _ k: Int) -> Double {
        let n = Double(d + 1), one = path[k].one, zero = path[k].zero
        var next = path[d].weight, total = 0.0
        for i in stride(from: d - 1, through: 0, by: -1) {
            if one != 0 {
                let t = next * n / (Double(i + 1) * one)
                total += t
                next = path[i].weight - t * zero * Double(d - i) / n
            } else if zero != 0 {
                total += path[i].weight / zero * n / Double(d - i)
            }
        }
        return total
    }
}
