import ArgumentParser
import Foundation
import Properties

/// `kiln train`: `kiln train PROPERTY …` (the default) or `kiln train diffusion …`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a learned model: a property model (band_gap, formation_energy, is_metal), a diffusion generator or the synthesizability model.",
        subcommands: [TrainPropertyCommand.self, TrainDiffusionCommand.self, TrainSynthesizabilityCommand.self], defaultSubcommand: TrainPropertyCommand.self)
}

/// `kiln train PROPERTY [--features composition|structure] [--rounds N] [--members N] [--seed S] [--out DIR]`:
/// trains a learned model on the bundled Materials Project set and writes it with its recipe and test metrics.
struct TrainPropertyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "property",
        abstract: "Train a learned property model (band_gap, formation_energy, is_metal) on the bundled MP data (the default: `kiln train band_gap`).",
        discussion: """
            Features (--features): composition = Magpie composition features as matminer computes them; \
            structure = those plus CHGNet 0.3.0's description of the structure (statistics of its final atom \
            features, energy, magnetic moments, volume, density) and CHGNet's formation energy on element \
            references fitted to the training tenths. The structure features take one CHGNet pass per material \
            first (about 37,000; kept in DIR/checkpoints, so a killed run resumes). Model: an ensemble of \
            gradient-boosted trees (histogram-based, best-first leaves), each member on its own bootstrap \
            sample with its own seed; the prediction is the members' mean and σ their spread times one \
            factor calibrated on the validation tenth. Split: SHA-256 of the material id, first 8 hex digits \
            mod 10: 0 test, 1 validation (early stopping, calibration), else training. Writes \
            DIR/PROPERTY.json.gz (DIR/PROPERTY-structure.json.gz for structure models: recipe, data \
            fingerprint, test metrics, trees) and one checkpoint per \
            finished member in DIR/checkpoints; running the same command again resumes from them.
            """)

    @Argument(help: "Property to train: \(LearnedProperty.allCases.map(\.rawValue).joined(separator: ", ")).")
    var property: String

    @Option(help: "Features: composition or structure.")
    var features = FeatureSet.composition

    @Option(name: [.customLong("rounds"), .customLong("epochs")], help: "Most boosting rounds per member (early stopping may end sooner).")
    var rounds = 1000

    @Option(help: "Ensemble members.")
    var members = 5

    @Option(help: "Random seed (bootstrap samples, feature draws).")
    var seed: UInt64 = 0

    @Option(help: "Output directory.")
    var out = "kiln-models"

    func validate() throws {
        guard LearnedProperty(rawValue: property) != nil else {
            throw ValidationError("unknown property '\(property)'; known: \(LearnedProperty.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
        guard members >= 2 else { throw ValidationError("--members must be at least 2 (σ is the members' spread)") }
    }

    func run() throws {
        var recipe = TrainingRecipe(property: LearnedProperty(rawValue: property)!, featureSet: features)
        recipe.seed = seed
        recipe.members = members
        recipe.boosting.maxRounds = rounds
        let directory = URL(fileURLWithPath: out)
        let trainer = LearnedTrainer(recipe: recipe, checkpoints: directory.appendingPathComponent("checkpoints"))
        let bar = ProgressBar(), start = Date()
        var resumedDescriptors: Int?  // descriptors found on disk when the run began
        let model = try trainer.train { p in
            let elapsed = Date().timeIntervalSince(start)
            if let d = p.descriptors {
                if resumedDescriptors == nil { resumedDescriptors = d.done }
                bar.update(done: d.done, total: d.total, elapsed: elapsed, detail: "CHGNet descriptors", resumed: resumedDescriptors!)
                return
            }
            guard let b = p.boosting else {
                bar.update(done: p.member + 1, total: p.members, elapsed: elapsed, detail: "member \(p.member + 1) from checkpoint", eta: false)
                return
            }
            guard b.round % 10 == 0 else { return }
            let validation = b.validationLoss.map { String(format: " validation %.5f (best round %d)", $0, b.bestRound) } ?? ""
            bar.update(done: p.member, total: p.members, elapsed: elapsed,
                       detail: String(format: "member %d round %d loss %.5f", p.member + 1, b.round, b.trainingLoss) + validation)
        }
        bar.finish()
        let url = directory.appendingPathComponent(LearnedModel.fileName(recipe.property, features))
        try model.write(to: url)
        print(LearnedModelSummary(model: model).text)
        print("wrote \(url.path)")
    }
}

/// The metrics of a learned model as text lines.
struct LearnedModelSummary {
    let model: LearnedModel

    var text: String {
        let m = model.metrics, unit = model.property.unit
        var lines = ["\(model.property.rawValue) (\(model.featureSet.rawValue) features): \(m.trainingCount) training, \(m.validationCount) validation, \(m.testCount) test materials; "
            + "\(model.recipe.members) members, rounds \(m.rounds.map(String.init).joined(separator: "/")); "
            + String(format: "%.0f s", m.trainingSeconds)]
        if let mae = m.testMAE, let base = m.baselineMAE {
            lines.append(String(format: "  test MAE %.4f %@ (training mean: %.4f)", mae, unit, base))
        }
        if let c1 = m.coverage1Sigma, let c2 = m.coverage2Sigma {
            lines.append(String(format: "  test inside ±1σ %.1f %%, ±2σ %.1f %% (ideal 68.3, 95.4); σ scale %.3g",
                                100 * c1, 100 * c2, model.ensemble.sigmaScale))
        }
        if let auc = m.rocAUC, let acc = m.accuracy, let balanced = m.balancedAccuracy {
            lines.append(String(format: "  test ROC-AUC %.4f, accuracy %.4f, balanced accuracy %.4f", auc, acc, balanced))
        }
        return lines.joined(separator: "\n")
    }
}

extension FeatureSet: ExpressibleByArgument {}
