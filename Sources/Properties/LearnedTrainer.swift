import Crystal
import Foundation
import KilnSupport
import Learning
import Potentials

/// Trains a `LearnedModel` from a recipe: each ensemble member is a booster on its own bootstrap
/// sample of the training part (eight tenths), stopped early on the validation tenth; the σ scale is
/// fitted on the validation tenth; metrics are measured on the test tenth. Each finished member is
/// written to `checkpoints` (when given), and so are the CHGNet descriptors of structure models, so
/// a killed run resumes with what it has.
public struct LearnedTrainer {
    public var recipe: TrainingRecipe
    public var checkpoints: URL?

    public init(recipe: TrainingRecipe, checkpoints: URL? = nil) {
        self.recipe = recipe
        self.checkpoints = checkpoints
    }

    /// Where training stands.
    public struct Progress: Sendable {
        /// Member being trained (from 0), and how many the recipe has.
        public var member: Int, members: Int
        /// nil while the member is loaded from a checkpoint or descriptors are computed.
        public var boosting: BoostingProgress?
        /// Structures described by CHGNet so far, and how many there are (structure models, before training).
        public var descriptors: (done: Int, total: Int)?
    }

    /// A finished member as checkpointed.
    struct Checkpoint: Codable {
        var recipe: String
        var data: String
        var member: GradientBoostedTrees
    }

    /// Trains on the bundled data set of the recipe's property and features.
    public func train(progress: (Progress) -> Void = { _ in }) throws -> LearnedModel {
        let start = Date()
        var descriptors: [[Double]]?
        if recipe.featureSet == .structure {
            descriptors = try DescriptorTable.load(directory: checkpoints, chgnet: CHGNet()) { done, total in
                progress(Progress(member: 0, members: recipe.members, boosting: nil, descriptors: (done, total)))
            }
        }
        let data = try LearnedDataset(property: recipe.property, features: recipe.featureSet, descriptors: descriptors)
        return try train(on: data, started: start, progress: progress)
    }

    /// Trains on `data` (the recipe's property and features); `started` is when the run began (for its time).
    public func train(on data: LearnedDataset, started start: Date = Date(), progress: (Progress) -> Void = { _ in }) throws -> LearnedModel {
        guard !data.training.ids.isEmpty, !data.validation.ids.isEmpty, !data.test.ids.isEmpty else {
            throw PropertyError.undefined("\(recipe.property.rawValue): a split of the data set is empty")
        }
        guard data.training.features.allSatisfy({ $0.count == recipe.featureSet.names.count }) else {
            throw PropertyError.undefined("\(recipe.property.rawValue): the data set does not have the \(recipe.featureSet.rawValue) features")
        }
        let bins = FeatureBins(rows: data.training.features, maxBins: recipe.maxBins)
        let binned = BinnedMatrix(rows: data.training.features, bins: bins)
        var members: [GradientBoostedTrees] = []
        for k in 0..<recipe.members {
            if let member = try loadCheckpoint(k, data: data.fingerprint) {
                progress(Progress(member: k, members: recipe.members, boosting: nil))
                members.append(member)
                continue
            }
            var rng = SeededGenerator(seed: recipe.seed &+ UInt64(k) &* 0x9E37_79B9)
            let weights = BoostedEnsemble.bootstrapWeights(count: binned.count, rng: &rng)
            let member = GradientBoostedTrees.fit(
                binned, targets: data.training.targets, weights: weights, loss: recipe.property.loss,
                parameters: recipe.boosting, validation: (data.validation.features, data.validation.targets), rng: &rng
            ) { progress(Progress(member: k, members: recipe.members, boosting: $0)) }
            try saveCheckpoint(k, Checkpoint(recipe: recipe.fingerprint, data: data.fingerprint, member: member))
            members.append(member)
        }
        var ensemble = BoostedEnsemble(members: members)
        var metrics = LearnedMetrics(trainingCount: data.training.ids.count, validationCount: data.validation.ids.count,
                                     testCount: data.test.ids.count, rounds: members.map(\.trees.count))
        let property = recipe.property
        if property.loss == .squaredError {
            let v = data.validation.features.map(ensemble.predict)
            ensemble.sigmaScale = BoostedEnsemble.calibrationScale(
                mean: v.map { property.bounded($0.mean) }, spread: v.map(\.sigma), targets: data.validation.targets)
        }
        let predictions = data.test.features.map(ensemble.predict)
        let mean = predictions.map { property.bounded($0.mean) }, sigma = predictions.map(\.sigma), y = data.test.targets
        switch property.loss {
        case .squaredError:
            let trainingMean = data.training.targets.reduce(0, +) / Double(data.training.targets.count)
            metrics.testMAE = Metrics.meanAbsoluteError(mean, y)
            metrics.baselineMAE = Metrics.meanAbsoluteError(y.map { _ in trainingMean }, y)
            metrics.coverage1Sigma = Metrics.coverage(mean: mean, sigma: sigma, targets: y, k: 1)
            metrics.coverage2Sigma = Metrics.coverage(mean: mean, sigma: sigma, targets: y, k: 2)
            metrics.intervalReliability = Metrics.intervalReliability(mean: mean, sigma: sigma, targets: y).map { [$0.nominal, $0.observed] }
        case .logistic:
            let labels = y.map { $0 == 1 }
            metrics.rocAUC = Metrics.rocAUC(mean, labels)
            let predicted = mean.map { $0 > 0.5 }
            metrics.accuracy = Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(y.count)
            metrics.balancedAccuracy = Metrics.rocAUC(predicted.map { $0 ? 1 : 0 }, labels)  // AUC of 0/1 scores
            metrics.probabilityReliability = Metrics.probabilityReliability(mean, labels).map { [Double($0.count), $0.predicted, $0.observed] }
        }
        metrics.trainingSeconds = Date().timeIntervalSince(start)
        return LearnedModel(recipe: recipe, dataFingerprint: data.fingerprint, elements: data.trainingElements,
                            metrics: metrics, elementReferences: data.elementReferences, ensemble: ensemble)
    }

    private func checkpointURL(_ k: Int) -> URL? {
        checkpoints?.appendingPathComponent("\(recipe.property.rawValue)-member-\(k).json.gz")
    }

    private func loadCheckpoint(_ k: Int, data: String) throws -> GradientBoostedTrees? {
        guard let url = checkpointURL(k), FileManager.default.fileExists(atPath: url.path) else { return nil }
        let c = try LearnedModel.decoder.decode(Checkpoint.self, from: Gzip.readFile(url))
        guard c.recipe == recipe.fingerprint, c.data == data else {
            throw PropertyError.undefined("checkpoint \(url.path) was written by another recipe or data set; "
                                          + "remove it or train into another directory")
        }
        return c.member
    }

    private func saveCheckpoint(_ k: Int, _ c: Checkpoint) throws {
        guard let url = checkpointURL(k) else { return }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Gzip.compress(LearnedModel.encoder.encode(c)).write(to: url, options: .atomic)
    }
}
