import ArgumentParser
import Crystal
import Diffusion
import Foundation
import KilnSupport
import Properties

/// `kiln benchmark diffusion-guidance --model M --targets V,… [--guidance G] [--num N]`: does
/// classifier-free guidance move generated crystals toward a property value?
struct DiffusionGuidanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diffusion-guidance",
        abstract: "Property guidance of a diffusion model: predicted property of conditioned against unconditioned samples.",
        discussion: """
            Judge: a model of the diffusion model's own training labels — an ensemble of gradient-boosted trees on \
            Magpie composition features, trained on --data (default: the model's preset's training set; the rows \
            DataSplit puts in validation stop it early) and scored on --test (default: the preset's held-out set). \
            The model then generates --num crystals de novo without a condition and --num for each target value \
            with guidance scale --guidance (same seed), and the judge predicts each crystal's property from its \
            composition. Reported per setting: predicted mean, median and standard deviation, and the share within \
            ±--window of each target (default: half the training labels' standard deviation), next to the share of \
            the training labels in that window. Writes OUT/guidance.json.
            """)

    @OptionGroup var diffusion: DiffusionModelOptions

    @Option(help: "Property values to condition on, comma-separated.")
    var targets: String

    @Option(help: "Classifier-free guidance scale of the conditioned samples.")
    var guidance = 2.0

    @Option(help: "Crystals per setting.")
    var num = 200

    @Option(help: "Half-width of the window around each target (property units; default: half the training labels' SD).")
    var window: Double?

    @Option(help: "Training labels of the judge (default: the model's preset's training set).")
    var data: String?

    @Option(help: "Held-out labels the judge is scored on (default: the preset's held-out set).")
    var test: String?

    @Option(help: "Output directory.")
    var out: String

    func validate() throws {
        guard num >= 1 else { throw ValidationError("--num must be at least 1") }
        guard guidance >= 0 else { throw ValidationError("--guidance must be ≥ 0") }
        if let window, !(window > 0) { throw ValidationError("--window must be positive") }
        _ = try values()
    }

    func values() throws -> [Double] {
        let v = targets.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !v.isEmpty, v.allSatisfy({ $0?.isFinite == true }) else {
            throw ValidationError("--targets: expected numbers separated by commas, e.g. 0.5,3, got '\(targets)'")
        }
        return v.map { $0! }
    }

    func run() throws {
        let model = try diffusion.load()
        guard let property = model.config.property else {
            throw CommandError("\(diffusion.model) is not conditioned on a property: nothing to guide")
        }
        let preset = DiffusionPreset.all.first { $0.name == model.preset }
        guard let dataName = data ?? preset?.data, let testName = test ?? preset?.test else {
            throw CommandError("\(diffusion.model) has no preset: give --data and --test for the judge")
        }
        // The judge stops early on the rows DataSplit puts in validation; a preset whose training set
        // has none there names the set that does, and its labels join the training labels.
        let validation = preset.flatMap { dataName == $0.data ? $0.validation : nil }
        let training = try labels(dataName, property) + (try validation.map { try labels($0, property) } ?? [])
        let held = try labels(testName, property)
        let judge = try trainJudge(property: property, training: training, test: held, source: dataName)
        let trainingValues = training.map(\.value)
        let labelStats = Summary(trainingValues)
        let halfWidth = window ?? labelStats.sd / 2
        let start = Date()
        var settings: [[String: Any]] = []
        var unconditioned: Summary?
        for target in [nil] + (try values()).map(Optional.some) {
            var sampling = diffusion.sampling(for: model, csp: false)
            sampling.guidance = target == nil ? 1 : guidance
            let crystals: [DiffusionCrystal]
            do { crystals = try model.generate(count: num, condition: DiffusionCondition(property: target), sampling: sampling) } catch let error as DiffusionError {
                throw CommandError(describe(error))
            }
            let predicted = crystals.compactMap { c -> Double? in
                guard let s = try? c.structure() else { return nil }
                return try? judge.predict(s.composition).mean
            }
            let stats = Summary(predicted)
            if target == nil { unconditioned = stats }
            var record: [String: Any] = ["target": target ?? NSNull(), "guidance": sampling.guidance, "generated": crystals.count,
                                         "judged": predicted.count, "mean": stats.mean, "median": stats.median, "sd": stats.sd]
            if let target {
                record["share_in_window"] = stats.share(near: target, halfWidth)
                record["unconditioned_share_in_window"] = unconditioned!.share(near: target, halfWidth)
                record["training_share_in_window"] = labelStats.share(near: target, halfWidth)
            }
            settings.append(record)
            print(String(format: "%@: %d of %d judged; predicted %@ mean %.3f, median %.3f, SD %.3f%@", target.map { String(format: "%@ = %g, guidance %g", property, $0, guidance) } ?? "unconditioned",
                         predicted.count, crystals.count, property, stats.mean, stats.median, stats.sd,
                         target.map { String(format: "; within ±%.3g: %.1f %% (unconditioned %.1f %%, training labels %.1f %%)", halfWidth,
                                             100 * stats.share(near: $0, halfWidth), 100 * unconditioned!.share(near: $0, halfWidth),
                                             100 * labelStats.share(near: $0, halfWidth)) } ?? ""))
        }
        let metrics = judge.metrics
        let record: [String: Any] = [
            "model": diffusion.model, "property": property, "num": num, "seed": diffusion.seed, "window": halfWidth,
            "judge": ["features": "Magpie composition features", "training": dataName, "test": testName,
                      "training_count": metrics.trainingCount, "validation_count": metrics.validationCount, "test_count": metrics.testCount,
                      "test_mae": metrics.testMAE ?? NSNull(), "baseline_mae": metrics.baselineMAE ?? NSNull()] as [String: Any],
            "training_labels": ["mean": labelStats.mean, "median": labelStats.median, "sd": labelStats.sd],
            "settings": settings, "sampling_seconds": Date().timeIntervalSince(start),
        ]
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(try jsonText(record).utf8).write(to: directory.appendingPathComponent("guidance.json"))
        print(String(format: "judge: test MAE %.3f (predicting the training mean: %.3f) on %d held-out crystals; wrote %@",
                     metrics.testMAE ?? .nan, metrics.baselineMAE ?? .nan, metrics.testCount, directory.path))
    }

    /// The compositions of a data set with their value of `property`.
    private func labels(_ name: String, _ property: String) throws -> [LearnedDataset.Label] {
        let set = try CommandError.naming(name) { try DiffusionDataset.load(name) }
        return try set.map { c in
            guard let value = c.properties[property] else { throw CommandError("\(name): crystal \(c.id) has no '\(property)'") }
            return (c.id, try c.structure().composition, value)
        }
    }

    /// The composition model of the labels; gaps are bounded below by zero, other properties are not.
    private func trainJudge(property: String, training: [LearnedDataset.Label], test: [LearnedDataset.Label],
                            source: String) throws -> LearnedModel {
        var recipe = TrainingRecipe(property: property.hasSuffix("gap") ? .bandGap : .formationEnergy)
        recipe.seed = diffusion.seed
        var judge = try LearnedTrainer(recipe: recipe).train(on: LearnedDataset(training: training, test: test))
        judge.dataSource = source
        return judge
    }
}

/// Mean, median and standard deviation of a sample.
private struct Summary {
    let values: [Double]
    init(_ values: [Double]) { self.values = values.sorted() }
    var mean: Double { values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count) }
    var median: Double { values.isEmpty ? .nan : values[values.count / 2] }
    var sd: Double {
        guard values.count > 1 else { return .nan }
        let m = mean
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
    }
    func share(near target: Double, _ halfWidth: Double) -> Double {
        values.isEmpty ? .nan : Double(values.filter { abs($0 - target) <= halfWidth }.count) / Double(values.count)
    }
}
