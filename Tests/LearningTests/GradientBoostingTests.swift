import Crystal
import Foundation
import Learning
import XCTest

final class GradientBoostingTests: XCTestCase {
    /// y = step(x0) + 2·x1² on a grid: deep enough trees with many rounds fit the training data
    /// almost exactly (overfit), and the binned thresholds route raw rows like their bins.
    func testOverfitsSyntheticRegression() {
        var rng = SeededGenerator(seed: 7)
        let rows = (0..<400).map { _ in [Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng), .nan] }
        let y = rows.map { ($0[0] > 0.3 ? 1.0 : 0.0) + 2 * $0[1] * $0[1] }
        var p = BoostingParameters()
        p.learningRate = 0.3; p.maxRounds = 300; p.minSamplesLeaf = 1; p.l2 = 0; p.featureFraction = 1
        let data = BinnedMatrix(rows: rows, bins: FeatureBins(rows: rows))
        let model = GradientBoostedTrees.fit(data, targets: y, loss: .squaredError, parameters: p, rng: &rng)
        let mae = Metrics.meanAbsoluteError(rows.map(model.predict), y)
        XCTAssertLessThan(mae, 1e-3, "training MAE \(mae)")
        XCTAssertEqual(model.trees.count, 300)
        XCTAssertTrue(model.trees.allSatisfy { !$0.feature.contains(2) }, "a constant (all-missing) feature is never split on")
    }

    /// A separable classification problem: probabilities on the right side of 0.5 for every row.
    func testLogisticSeparates() {
        var rng = SeededGenerator(seed: 3)
        let rows = (0..<300).map { _ in [Double.random(in: 0...1, using: &rng)] }
        let y = rows.map { $0[0] > 0.6 ? 1.0 : 0.0 }
        var p = BoostingParameters()
        p.maxRounds = 200; p.learningRate = 0.2; p.minSamplesLeaf = 5
        let model = GradientBoostedTrees.fit(BinnedMatrix(rows: rows, bins: FeatureBins(rows: rows)), targets: y,
                                             loss: .logistic, parameters: p, rng: &rng)
        let wrong = rows.indices.filter { (model.predict(rows[$0]) > 0.5) != (y[$0] == 1) }
        XCTAssertEqual(wrong, [])
        XCTAssertEqual(Metrics.rocAUC(rows.map(model.predict), y.map { $0 == 1 }), 1, accuracy: 1e-12)
    }

    /// Early stopping keeps the best validation round, and a seed reproduces the model exactly.
    func testEarlyStoppingAndSeed() {
        var rng = SeededGenerator(seed: 11)
        func sample(_ n: Int) -> ([[Double]], [Double]) {
            let rows = (0..<n).map { _ in (0..<4).map { _ in Double.random(in: 0...1, using: &rng) } }
            return (rows, rows.map { $0[0] + Double.random(in: -0.5...0.5, using: &rng) })
        }
        let (train, y) = sample(500), (valid, vy) = sample(200)
        var p = BoostingParameters()
        p.learningRate = 0.3; p.minSamplesLeaf = 2; p.patience = 20
        let data = BinnedMatrix(rows: train, bins: FeatureBins(rows: train))
        func fit(_ seed: UInt64) -> (GradientBoostedTrees, [BoostingProgress]) {
            var g = SeededGenerator(seed: seed), log: [BoostingProgress] = []
            let m = GradientBoostedTrees.fit(data, targets: y, loss: .squaredError, parameters: p,
                                             validation: (valid, vy), rng: &g) { log.append($0) }
            return (m, log)
        }
        let (a, log) = fit(5), (b, _) = fit(5)
        XCTAssertEqual(a, b)
        XCTAssertLessThan(log.count, p.maxRounds, "noise makes validation loss rise and training stop")
        XCTAssertEqual(a.trees.count, log.last!.bestRound)
        let best = log.min { $0.validationLoss! < $1.validationLoss! }!
        XCTAssertEqual(best.round, a.trees.count)
    }

    func testBinsAndThresholdsAgree() {
        let rows = [[1.0], [2.0], [2.0], [5.0], [.nan]]
        let bins = FeatureBins(rows: rows)
        XCTAssertEqual(bins.edges, [[1.5, 3.5]])
        XCTAssertEqual(rows.map { bins.bin($0[0], feature: 0) }, [1, 2, 2, 3, 0])
        for b in 0..<3 {
            let t = bins.threshold(bin: b, feature: 0)
            for x in [1.0, 2.0, 5.0, .nan] {
                XCTAssertEqual(Int(bins.bin(x, feature: 0)) <= b, x.isNaN || x <= t, "bin \(b), x \(x)")
            }
        }
    }

    func testMetrics() {
        XCTAssertEqual(Metrics.rocAUC([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 0.75)
        XCTAssertEqual(Metrics.rocAUC([0.5, 0.5], [false, true]), 0.5)
        XCTAssertEqual(Metrics.normalQuantile(0.975), 1.959963984540054, accuracy: 1e-9)
        XCTAssertEqual(Metrics.coverage(mean: [0, 0, 0], sigma: [1, 1, 1], targets: [0.5, 1.5, -0.9], k: 1), 2.0 / 3)
        let scale = BoostedEnsemble.calibrationScale(mean: [0, 0, 0], spread: [1, 1, 1], targets: [1, 2, 3], level: 2.0 / 3)
        XCTAssertEqual(scale, 2)
    }
}

final class RegressionTreeCodingTests: XCTestCase {
    /// The compact coding round-trips a grown tree exactly, including a missing-values-only split.
    func testCodingRoundTrips() throws {
        var rng = SeededGenerator(seed: 1)
        let rows = (0..<200).map { k in [k % 7 == 0 ? .nan : Double.random(in: 0...1, using: &rng), Double(k % 3)] }
        let y = rows.map { $0[0].isNaN ? 5 : $0[0] + $0[1] }
        var p = BoostingParameters()
        p.maxRounds = 5; p.minSamplesLeaf = 2; p.featureFraction = 1
        let model = GradientBoostedTrees.fit(BinnedMatrix(rows: rows, bins: FeatureBins(rows: rows)), targets: y,
                                             loss: .squaredError, parameters: p, rng: &rng)
        XCTAssertTrue(model.trees.contains { $0.threshold.contains(-.infinity) }, "NaN rows split off first")
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoded = try decoder.decode(GradientBoostedTrees.self, from: encoder.encode(model))
        XCTAssertEqual(decoded, model)
        XCTAssertThrowsError(try decoder.decode(RegressionTree.self, from: Data(#"{"feature":[0,-1],"threshold":[1],"left":[1],"value":[0]}"#.utf8)))
    }
}
