import Crystal
import Foundation
import KilnSupport
import Learning

/// Trains a `SynthesizabilityModel` by PU bagging (the recipe's `method`): every member is fitted on
/// all training positives against its own bootstrap sample of the unlabelled pool, stopped early on
/// the validation positives against as many generated compositions; the threshold is the one of
/// largest validation F1; metrics come from the test part. Deterministic for a recipe.
public struct SynthesizabilityTrainer: Sendable {
    public var recipe: SynthesizabilityRecipe

    public init(recipe: SynthesizabilityRecipe) { self.recipe = recipe }

    /// Where training stands.
    public enum Progress: Sendable {
        case featurising(done: Int, total: Int)
        case boosting(member: Int, members: Int, BoostingProgress)
    }

    /// Builds the data set of the bundled MP tables and trains on it.
    public func train(progress: (Progress) -> Void = { _ in }) throws -> SynthesizabilityModel {
        let start = Date()
        return try train(on: SynthesizabilityDataset(recipe: recipe), started: start, progress: progress)
    }

    /// Trains on `data` (built with this recipe); `started` is when the run began (for its time).
    public func train(on data: SynthesizabilityDataset, started start: Date = Date(),
                      progress: (Progress) -> Void = { _ in }) throws -> SynthesizabilityModel {
        guard recipe.members >= 1 else { throw SynthesisError("the recipe needs at least one member") }
        let p = data.training.positives, u = data.training.unlabelled
        guard !p.isEmpty, !u.isEmpty else { throw SynthesisError("the training part needs positives and unlabelled compositions") }
        let earlyStop = data.validation.positives + data.validation.unlabelled.prefix(data.validation.positives.count)
        let total = p.count + u.count + earlyStop.count + Self.count(data.validation) + Self.count(data.test)
        var done = 0
        func featurise(_ cs: [Composition]) throws -> [[Double]] {
            let rows = try WorkQueue.map(cs.count) { try SynthesizabilityFeatures.features(of: cs[$0]) }
            done += cs.count
            progress(.featurising(done: done, total: total))
            return rows
        }
        let rows = try featurise(p + u)
        let targets = p.map { _ in 1.0 } + u.map { _ in 0.0 }
        let bins = FeatureBins(rows: rows, maxBins: recipe.maxBins)
        let binned = BinnedMatrix(rows: rows, bins: bins)
        let validation = (rows: try featurise(earlyStop),
                          targets: data.validation.positives.map { _ in 1.0 } + data.validation.unlabelled.prefix(data.validation.positives.count).map { _ in 0.0 })
        var members: [GradientBoostedTrees] = []
        for k in 0..<recipe.members {
            var rng = SeededGenerator(seed: recipe.seed &+ UInt64(k + 1) &* 0x9E37_79B9)
            var weights = [Double](repeating: 1, count: p.count) + [Double](repeating: 0, count: u.count)
            for _ in 0..<p.count { weights[p.count + Int.random(in: 0..<u.count, using: &rng)] += 1 }
            members.append(GradientBoostedTrees.fit(
                binned, targets: targets, weights: weights, loss: .logistic, parameters: recipe.boosting,
                validation: validation, rng: &rng) { progress(.boosting(member: k, members: recipe.members, $0)) })
        }
        let ensemble = BoostedEnsemble(members: members)
        func scores(_ part: SynthesizabilityDataset.Part) throws -> (scores: [Double], labels: [Bool]) {
            let all = part.positives + part.unlabelled
            var out: [Double] = []
            for start in stride(from: 0, to: all.count, by: 20_000) {
                let chunk = Array(all[start..<min(start + 20_000, all.count)])
                out += try featurise(chunk).map { ensemble.predict($0).mean }
            }
            return (out, part.positives.map { _ in true } + part.unlabelled.map { _ in false })
        }
        let v = try scores(data.validation)
        let (threshold, f1) = Self.bestThreshold(v.scores, v.labels)
        let t = try scores(data.test)
        var m = SynthesizabilityMetrics()
        m.trainingPositives = p.count; m.trainingUnlabelled = u.count
        m.validationPositives = data.validation.positives.count; m.validationUnlabelled = data.validation.unlabelled.count
        m.testPositives = data.test.positives.count; m.testUnlabelled = data.test.unlabelled.count
        m.threshold = threshold
        m.validationF1 = f1
        m.model = .init(ConfusionCounts(predicted: t.scores.map { $0 >= threshold }, actual: t.labels))
        m.modelAtHalf = .init(ConfusionCounts(predicted: t.scores.map { $0 >= 0.5 }, actual: t.labels))
        let testCompositions = data.test.positives + data.test.unlabelled
        let balanced = WorkQueue.map(testCompositions.count) { i -> (Bool, Bool) in
            (ChargeBalance.isNeutral(testCompositions[i]), ChargeBalance.isNeutral(testCompositions[i], states: .common))
        }
        m.chargeBalanceICSD24 = .init(ConfusionCounts(predicted: balanced.map(\.0), actual: t.labels))
        m.chargeBalanceCommon = .init(ConfusionCounts(predicted: balanced.map(\.1), actual: t.labels))
        m.rocAUC = Metrics.rocAUC(t.scores, t.labels)
        m.precisionRecall = (1...9).map { k in
            let c = ConfusionCounts(predicted: t.scores.map { $0 >= Double(k) / 10 }, actual: t.labels)
            return [Double(k) / 10, c.precision, c.recall]
        }
        m.rounds = members.map(\.trees.count)
        m.trainingSeconds = Date().timeIntervalSince(start)
        return SynthesizabilityModel(recipe: recipe, dataFingerprint: data.fingerprint, elements: data.trainingElements,
                                     threshold: threshold, metrics: m, ensemble: ensemble)
    }

    /// The threshold (grid 0.01…0.99) of largest F1 and that F1; the lowest such threshold on ties.
    static func bestThreshold(_ scores: [Double], _ labels: [Bool]) -> (Double, Double) {
        var best = (0.5, -1.0)
        for k in 1...99 {
            let t = Double(k) / 100
            let f1 = ConfusionCounts(predicted: scores.map { $0 >= t }, actual: labels).f1
            if f1 > best.1 { best = (t, f1) }
        }
        return best
    }

    private static func count(_ part: SynthesizabilityDataset.Part) -> Int { part.positives.count + part.unlabelled.count }
}
