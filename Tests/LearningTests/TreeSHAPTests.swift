import Crystal
import Foundation
import Learning
import XCTest

/// TreeSHAP against its defining properties: local accuracy on fitted boosters, equality with
/// Shapley values enumerated over all subsets, zero for unused features, and covers as recorded.
final class TreeSHAPTests: XCTestCase {
    /// Rows of `width` features: x0…x3 uniform, x2 missing in every fifth row, the last feature
    /// constant (so no tree can split on it); targets mixing a step, a product and a sine.
    static func sample(_ n: Int, width: Int, rng: inout SeededGenerator) -> (rows: [[Double]], y: [Double]) {
        let rows = (0..<n).map { i -> [Double] in
            var x = (0..<width - 1).map { _ in Double.random(in: 0...1, using: &rng) }
            if i % 5 == 0 { x[2] = .nan }
            return x + [1]
        }
        let y = rows.map { x -> Double in
            let product = x[1] * (x[2].isNaN ? 0.5 : x[2]), step: Double = x[3] > 0.5 ? 1 : 0
            return sin(3 * x[0]) + product + step
        }
        return (rows, y)
    }

    static func fit(_ rows: [[Double]], _ y: [Double], loss: BoostingLoss, rounds: Int, leaves: Int,
                    rng: inout SeededGenerator) -> GradientBoostedTrees {
        var p = BoostingParameters()
        p.maxRounds = rounds; p.maxLeaves = leaves; p.minSamplesLeaf = 3; p.featureFraction = 1; p.learningRate = 0.3
        let weights = BoostedEnsemble.bootstrapWeights(count: rows.count, rng: &rng)
        return GradientBoostedTrees.fit(BinnedMatrix(rows: rows, bins: FeatureBins(rows: rows)), targets: y, weights: weights,
                                        loss: loss, parameters: p, rng: &rng)
    }

    /// E[f(x) | x_S] as the path-dependent algorithm defines it: known features follow x, unknown
    /// ones average both children weighted by their covers.
    static func conditional(_ tree: RegressionTree, _ x: [Double], known: Int) -> Double {
        let cover = tree.cover!
        func descend(_ k: Int) -> Double {
            let f = tree.feature[k]
            if f < 0 { return tree.value[k] }
            if known & (1 << f) != 0 { return descend(tree.goesLeft(k, x) ? tree.left[k] : tree.right[k]) }
            return (cover[tree.left[k]] * descend(tree.left[k]) + cover[tree.right[k]] * descend(tree.right[k])) / cover[k]
        }
        return descend(0)
    }

    /// Shapley values by enumerating every subset S of the other features:
    /// φ_i = Σ_S |S|! (M − |S| − 1)! / M! · (v(S ∪ {i}) − v(S)).
    static func bruteForce(_ booster: GradientBoostedTrees, _ x: [Double]) -> [Double] {
        let m = x.count
        func v(_ s: Int) -> Double { booster.trees.reduce(booster.baseScore) { $0 + conditional($1, x, known: s) } }
        func factorial(_ n: Int) -> Double { n < 2 ? 1 : Double(n) * factorial(n - 1) }
        return (0..<m).map { i in
            (0..<(1 << m)).filter { $0 & (1 << i) == 0 }.reduce(0.0) { sum, s in
                let size = s.nonzeroBitCount
                return sum + factorial(size) * factorial(m - size - 1) / factorial(m) * (v(s | (1 << i)) - v(s))
            }
        }
    }

    /// Whether some root-to-leaf path splits twice on one feature (the case UNWIND handles).
    static func repeatsFeature(_ tree: RegressionTree) -> Bool {
        func walk(_ k: Int, _ seen: Set<Int>) -> Bool {
            let f = tree.feature[k]
            if f < 0 { return false }
            if seen.contains(f) { return true }
            return walk(tree.left[k], seen.union([f])) || walk(tree.right[k], seen.union([f]))
        }
        return walk(0, [])
    }

    func testMatchesEnumeratedShapleyValues() throws {
        var rng = SeededGenerator(seed: 21)
        let (rows, y) = Self.sample(300, width: 7, rng: &rng)
        let booster = Self.fit(rows, y, loss: .squaredError, rounds: 6, leaves: 12, rng: &rng)
        XCTAssertTrue(booster.trees.contains(where: Self.repeatsFeature), "some path revisits a feature")
        let tolerance = 1e-9  // both sides are sums of a few hundred double-precision terms of order 1
        var worst = 0.0
        for x in rows.prefix(25) {
            let shap = try TreeSHAP.explain(booster, x)
            let exact = Self.bruteForce(booster, x)
            worst = max(worst, zip(shap.values, exact).map { abs($0 - $1) }.max()!)
            XCTAssertEqual(shap.base, booster.trees.reduce(booster.baseScore) { $0 + Self.conditional($1, x, known: 0) },
                           accuracy: tolerance)
        }
        XCTAssertLessThan(worst, tolerance)
    }

    /// base + Σφ equals the raw score of real boosters (squared error and log-odds) and the mean
    /// raw score of an ensemble; a feature no tree splits on gets exactly 0.
    func testLocalAccuracyAndUnusedFeature() throws {
        var rng = SeededGenerator(seed: 4)
        let (rows, y) = Self.sample(800, width: 12, rng: &rng)
        let labels = y.map { $0 > 1.2 ? 1.0 : 0.0 }
        let regression = Self.fit(rows, y, loss: .squaredError, rounds: 60, leaves: 31, rng: &rng)
        let classifier = Self.fit(rows, labels, loss: .logistic, rounds: 60, leaves: 31, rng: &rng)
        let ensemble = BoostedEnsemble(members: [regression, Self.fit(rows, y, loss: .squaredError, rounds: 40, leaves: 15, rng: &rng)])
        let unused = 11
        for model in [regression, classifier] + ensemble.members {
            XCTAssertFalse(model.trees.contains { $0.feature.contains(unused) })
        }
        let relative = 1e-9  // summation order differs between the score and base + Σφ
        var failures: [String] = []
        for (k, x) in rows.prefix(20).enumerated() {
            for (name, model) in [("regression", regression), ("logistic", classifier)] {
                let shap = try TreeSHAP.explain(model, x), score = model.rawScore(x)
                if abs(shap.output - score) > relative * max(1, abs(score)) { failures.append("\(name) row \(k): \(shap.output) vs \(score)") }
                if shap.values[unused] != 0 { failures.append("\(name) row \(k): unused feature φ = \(shap.values[unused])") }
            }
            let shap = try TreeSHAP.explain(ensemble, x)
            let mean = ensemble.members.map { $0.rawScore(x) }.reduce(0, +) / 2
            if abs(shap.output - mean) > relative * max(1, abs(mean)) { failures.append("ensemble row \(k): \(shap.output) vs \(mean)") }
        }
        XCTAssertEqual(failures, [])
        XCTAssertNotEqual(try TreeSHAP.explain(regression, rows[1]).values[0], 0, "a feature the target depends on contributes")
    }

    /// Covers are the bag's weights: the root holds their sum, children split their parent's.
    func testCoversAreBagWeights() {
        var rng = SeededGenerator(seed: 9)
        let (rows, y) = Self.sample(400, width: 5, rng: &rng)
        var p = BoostingParameters()
        p.maxRounds = 5; p.minSamplesLeaf = 3
        let weights = BoostedEnsemble.bootstrapWeights(count: rows.count, rng: &rng)
        let model = GradientBoostedTrees.fit(BinnedMatrix(rows: rows, bins: FeatureBins(rows: rows)), targets: y, weights: weights,
                                             loss: .squaredError, parameters: p, rng: &rng)
        for tree in model.trees {
            let cover = tree.cover!
            XCTAssertEqual(cover[0], weights.reduce(0, +))
            for k in tree.feature.indices where tree.feature[k] >= 0 {
                XCTAssertEqual(cover[tree.left[k]] + cover[tree.right[k]], cover[k])
            }
            let leaves = tree.feature.indices.filter { tree.feature[$0] < 0 }
            let counts = Dictionary(grouping: rows.indices, by: { tree.leaf(rows[$0]) }).mapValues { $0.reduce(0) { $0 + weights[$1] } }
            XCTAssertEqual(leaves.map { counts[$0] ?? 0 }, leaves.map { cover[$0] }, "a leaf's cover is the weight of the rows routed to it")
        }
    }

    /// A tree decoded without covers still predicts, but explaining it is an error that says why.
    func testTreeWithoutCovers() throws {
        let tree = try JSONDecoder().decode(RegressionTree.self, from: Data(#"{"feature":[0,-1,-1],"threshold":[0.5],"left":[1],"value":[1,2]}"#.utf8))
        XCTAssertNil(tree.cover)
        XCTAssertEqual(tree.predict([0.7]), 2)
        XCTAssertThrowsError(try TreeSHAP.explain(tree, [0.7])) { error in
            XCTAssertTrue("\(error)".contains("kiln train"), "\(error)")
        }
        let covered = try JSONDecoder().decode(RegressionTree.self, from: Data(
            #"{"feature":[0,-1,-1],"threshold":[0.5],"left":[1],"value":[1,2],"cover":[4,1,3]}"#.utf8))
        // By hand: base = (1·1 + 3·2) / 4 = 1.75; the one feature carries the rest, 2 − 1.75.
        let shap = try TreeSHAP.explain(covered, [0.7])
        XCTAssertEqual(shap.base, 1.75)
        XCTAssertEqual(shap.values, [0.25])
        XCTAssertThrowsError(try TreeSHAP.explain(covered, [])) { error in
            XCTAssertTrue("\(error)".contains("feature 0 but the row has 0"), "\(error)")
        }
        XCTAssertThrowsError(try JSONDecoder().decode(RegressionTree.self, from: Data(
            #"{"feature":[0,-1,-1],"threshold":[0.5],"left":[1],"value":[1,2],"cover":[4,1]}"#.utf8)))
    }
}
