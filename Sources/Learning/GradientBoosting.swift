import Foundation

/// The loss a booster minimises: squared error (regression; the prediction is the mean) or
/// logistic (binary classification on 0/1 targets; the prediction is the probability of 1).
public enum BoostingLoss: String, Sendable, Codable {
    case squaredError = "squared_error"
    case logistic

    /// The prediction for a raw score.
    public func output(_ score: Double) -> Double {
        self == .logistic ? 1 / (1 + exp(-score)) : score
    }

    /// The loss of one row at raw score `s`.
    func loss(_ s: Double, _ y: Double) -> Double {
        switch self {
        case .squaredError: return (s - y) * (s - y) / 2
        case .logistic: return max(s, 0) - s * y + log1p(exp(-abs(s)))
        }
    }
}

/// Hyperparameters of one booster (the names of LightGBM / scikit-learn's HistGradientBoosting).
public struct BoostingParameters: Sendable, Codable, Equatable {
    public var learningRate = 0.1
    /// Leaves per tree; trees grow best-first (largest gain first), as LightGBM's.
    public var maxLeaves = 31
    public var maxDepth = 12
    /// Least (bootstrap-weighted) rows in a leaf.
    public var minSamplesLeaf = 20.0
    /// L2 penalty on leaf values.
    public var l2 = 1.0
    /// Upper limit on boosting rounds.
    public var maxRounds = 1000
    /// Stop when the validation loss has not improved for this many rounds (keeping the best round).
    public var patience = 50
    /// Share of the features each tree may split on (drawn per tree).
    public var featureFraction = 0.5

    public init() {}
}

/// Training data already binned: feature-major codes (`codes[j * count + i]`) with their bins.
public struct BinnedMatrix: Sendable {
    public let bins: FeatureBins
    public let count: Int
    public let codes: [UInt8]

    public init(rows: [[Double]], bins: FeatureBins) {
        self.bins = bins
        count = rows.count
        codes = bins.binned(rows)
    }
}

/// One boosting round's report (for progress bars).
public struct BoostingProgress: Sendable {
    public var round: Int
    public var trainingLoss: Double
    public var validationLoss: Double?
    public var bestRound: Int
}

/// A gradient-boosted ensemble of regression trees: prediction = loss.output(base + Σ trees).
public struct GradientBoostedTrees: Sendable, Codable, Equatable {
    public var loss: BoostingLoss
    public var baseScore: Double
    public var trees: [RegressionTree]

    /// The raw (margin) score of one feature row.
    public func rawScore(_ x: [Double]) -> Double { trees.reduce(baseScore) { $0 + $1.predict(x) } }

    /// The prediction for one feature row (mean, or probability for `.logistic`).
    public func predict(_ x: [Double]) -> Double { loss.output(rawScore(x)) }

    /// Fits a booster on `data` with targets `y` and per-row weights (bootstrap counts; 0 leaves
    /// a row out), stopping early on `validation` when given. `rng` draws each tree's features.
    public static func fit<G: RandomNumberGenerator>(
        _ data: BinnedMatrix, targets y: [Double], weights: [Double]? = nil, loss: BoostingLoss,
        parameters p: BoostingParameters, validation: (rows: [[Double]], targets: [Double])? = nil,
        rng: inout G, progress: (BoostingProgress) -> Void = { _ in }
    ) -> GradientBoostedTrees {
        precondition(y.count == data.count, "one target per row")
        let w = weights ?? [Double](repeating: 1, count: data.count)
        let bag = (0..<data.count).filter { w[$0] > 0 }.map(Int32.init)
        let totalWeight = bag.reduce(0.0) { $0 + w[Int($1)] }
        let mean = bag.reduce(0.0) { $0 + w[Int($1)] * y[Int($1)] } / max(totalWeight, 1e-300)
        let base = loss == .logistic ? log(min(max(mean, 1e-6), 1 - 1e-6) / (1 - min(max(mean, 1e-6), 1 - 1e-6))) : mean
        var model = GradientBoostedTrees(loss: loss, baseScore: base, trees: [])
        var grower = TreeGrower(data: data, parameters: p, rows: bag)
        var score = [Double](repeating: base, count: data.count)
        var g = [Double](repeating: 0, count: data.count), h = g
        var validationScore = validation.map { [Double](repeating: base, count: $0.rows.count) } ?? []
        var best = (round: 0, loss: Double.infinity)
        let featureCount = data.bins.featureCount
        let drawn = max(1, Int((p.featureFraction * Double(featureCount)).rounded()))

        for round in 1...max(1, p.maxRounds) {
            var trainingLoss = 0.0
            for r in bag {
                let i = Int(r), s = score[i]
                trainingLoss += w[i] * loss.loss(s, y[i])
                switch loss {
                case .squaredError: g[i] = w[i] * (s - y[i]); h[i] = w[i]
                case .logistic:
                    let q = 1 / (1 + exp(-s))
                    g[i] = w[i] * (q - y[i]); h[i] = w[i] * max(q * (1 - q), 1e-16)
                }
            }
            var features = Array(0..<featureCount)
            features.shuffle(using: &rng)
            let (tree, leafRows) = grower.grow(gradients: g, hessians: h, weights: w, features: features.prefix(drawn).sorted())
            for (leaf, rows) in leafRows {
                let v = tree.value[leaf]
                for r in rows { score[Int(r)] += v }
            }
            model.trees.append(tree)
            var report = BoostingProgress(round: round, trainingLoss: trainingLoss / totalWeight, validationLoss: nil, bestRound: round)
            if let validation {
                var vl = 0.0
                for (k, x) in validation.rows.enumerated() {
                    validationScore[k] += tree.predict(x)
                    vl += loss.loss(validationScore[k], validation.targets[k])
                }
                vl /= Double(max(validation.rows.count, 1))
                if vl < best.loss { best = (round, vl) }
                report.validationLoss = vl
                report.bestRound = best.round
                progress(report)
                if round - best.round >= p.patience { break }
            } else {
                progress(report)
            }
        }
        if validation != nil { model.trees.removeLast(model.trees.count - best.round) }
        return model
    }
}

/// Best-first growth of one tree on histograms of gradient, hessian and weight sums per bin.
struct TreeGrower {
    let data: BinnedMatrix
    let p: BoostingParameters
    /// The bag's row indices, partitioned in place so each leaf owns a contiguous range.
    var rows: [Int32]
    private var scratch: [Int32]
    private let stride: Int

    init(data: BinnedMatrix, parameters: BoostingParameters, rows: [Int32]) {
        self.data = data
        p = parameters
        self.rows = rows
        scratch = rows
        stride = 256 * 3
    }

    private struct Split { var gain: Double; var feature: Int; var bin: Int }
    private struct Leaf {
        var node: Int, start: Int, end: Int, depth: Int
        var hist: [Double]
        var g: Double, h: Double, cover: Double
        var split: Split?
    }

    /// A tree with leaf values (learning rate applied) and covers set, and the rows of each leaf.
    mutating func grow(gradients g: [Double], hessians h: [Double], weights w: [Double], features: [Int])
        -> (RegressionTree, [(Int, ArraySlice<Int32>)])
    {
        var tree = RegressionTree()
        let rootHist = histogram(start: 0, end: rows.count, g: g, h: h, w: w, features: features)
        var gs = 0.0, hs = 0.0, ws = 0.0
        for r in rows { gs += g[Int(r)]; hs += h[Int(r)]; ws += w[Int(r)] }
        var leaves = [Leaf(node: 0, start: 0, end: rows.count, depth: 0, hist: rootHist, g: gs, h: hs, cover: ws, split: nil)]
        var cover = [ws]
        leaves[0].split = bestSplit(leaves[0], features: features)
        while leaves.count < p.maxLeaves {
            guard let k = leaves.indices.filter({ leaves[$0].split != nil }).max(by: { leaves[$0].split!.gain < leaves[$1].split!.gain })
            else { break }
            let parent = leaves[k], s = parent.split!
            let mid = partition(start: parent.start, end: parent.end, feature: s.feature, bin: s.bin)
            let (ln, rn) = tree.split(parent.node, feature: s.feature, threshold: data.bins.threshold(bin: s.bin, feature: s.feature))
            var gl = 0.0, hl = 0.0, wl = 0.0
            for r in rows[parent.start..<mid] { gl += g[Int(r)]; hl += h[Int(r)]; wl += w[Int(r)] }
            cover += [wl, parent.cover - wl]
            let leftSmaller = mid - parent.start <= parent.end - mid
            let small = leftSmaller
                ? histogram(start: parent.start, end: mid, g: g, h: h, w: w, features: features)
                : histogram(start: mid, end: parent.end, g: g, h: h, w: w, features: features)
            var large = parent.hist
            for j in features {
                for b in j * stride..<(j + 1) * stride { large[b] -= small[b] }
            }
            var left = Leaf(node: ln, start: parent.start, end: mid, depth: parent.depth + 1,
                            hist: leftSmaller ? small : large, g: gl, h: hl, cover: wl, split: nil)
            var right = Leaf(node: rn, start: mid, end: parent.end, depth: parent.depth + 1,
                             hist: leftSmaller ? large : small, g: parent.g - gl, h: parent.h - hl,
                             cover: parent.cover - wl, split: nil)
            left.split = bestSplit(left, features: features)
            right.split = bestSplit(right, features: features)
            leaves[k] = left
            leaves.append(right)
        }
        tree.cover = cover.map { Double(Float($0)) }  // stored as Float
        var out: [(Int, ArraySlice<Int32>)] = []
        for leaf in leaves {
            tree.value[leaf.node] = Double(Float(-leaf.g / (leaf.h + p.l2) * p.learningRate))  // stored as Float
            out.append((leaf.node, rows[leaf.start..<leaf.end]))
        }
        return (tree, out)
    }

    /// Sums of gradient, hessian and weight per (feature, bin) over rows[start..<end].
    private func histogram(start: Int, end: Int, g: [Double], h: [Double], w: [Double], features: [Int]) -> [Double] {
        var hist = [Double](repeating: 0, count: data.bins.featureCount * stride)
        let n = data.count
        rows.withUnsafeBufferPointer { rows in
            data.codes.withUnsafeBufferPointer { codes in
                g.withUnsafeBufferPointer { g in
                    h.withUnsafeBufferPointer { h in
                        w.withUnsafeBufferPointer { w in
                            hist.withUnsafeMutableBufferPointer { hist in
                                for j in features {
                                    let column = codes.baseAddress! + j * n
                                    let out = hist.baseAddress! + j * stride
                                    for t in start..<end {
                                        let i = Int(rows[t]), b = 3 * Int(column[i])
                                        out[b] += g[i]; out[b + 1] += h[i]; out[b + 2] += w[i]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return hist
    }

    private func bestSplit(_ leaf: Leaf, features: [Int]) -> Split? {
        guard leaf.depth < p.maxDepth else { return nil }
        let parentScore = leaf.g * leaf.g / (leaf.h + p.l2)
        var best: Split?
        for j in features {
            let binCount = data.bins.edges[j].count + 2
            var gl = 0.0, hl = 0.0, cl = 0.0, c = 0.0
            for b in 0..<binCount { c += leaf.hist[j * stride + 3 * b + 2] }
            for b in 0..<(binCount - 1) {
                let o = j * stride + 3 * b
                gl += leaf.hist[o]; hl += leaf.hist[o + 1]; cl += leaf.hist[o + 2]
                let cr = c - cl
                if cl < p.minSamplesLeaf { continue }
                if cr < p.minSamplesLeaf { break }
                let gr = leaf.g - gl, hr = leaf.h - hl
                guard hl > 1e-3, hr > 1e-3 else { continue }
                let gain = gl * gl / (hl + p.l2) + gr * gr / (hr + p.l2) - parentScore
                if gain > (best?.gain ?? 1e-12) { best = Split(gain: gain, feature: j, bin: b) }
            }
        }
        return best
    }

    /// Stable partition of rows[start..<end]: bins ≤ `bin` of `feature` first; returns the boundary.
    private mutating func partition(start: Int, end: Int, feature: Int, bin: Int) -> Int {
        let base = feature * data.count
        var l = start, r = 0
        for t in start..<end {
            let row = rows[t]
            if Int(data.codes[base + Int(row)]) <= bin { rows[l] = row; l += 1 } else { scratch[r] = row; r += 1 }
        }
        for t in 0..<r { rows[l + t] = scratch[t] }
        return l
    }
}
