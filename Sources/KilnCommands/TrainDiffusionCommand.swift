import ArgumentParser
import Diffusion
import Foundation
import KilnSupport

/// `kiln train diffusion --preset NAME | --data SET … --out DIR`: trains a crystal diffusion model,
/// resuming from DIR/checkpoint.safetensors when it is there.
struct TrainDiffusionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diffusion",
        abstract: "Train a crystal diffusion generator (DiffCSP-style) on a CDVAE-style data set.",
        discussion: """
            --preset \(DiffusionPreset.all.map(\.name).joined(separator: "|")) sets the data, architecture and options of a \
            model recipe (docs/diffusion.md); the other options override it. SET is a bundled split \
            (\(DiffusionDataset.bundledNames.joined(separator: ", "))), a split of the built-in MP structures \
            (\(DiffusionDataset.mpNames.keys.sorted().joined(separator: ", "))) or a CSV with material_id and cif \
            columns (gzip or plain). Writes DIR/checkpoint.safetensors (weights, \
            optimiser, moving average, history) after every epoch, DIR/model.safetensors (the moving-average \
            weights, what `kiln generate --model DIR/model.safetensors` samples), DIR/history.csv, DIR/history.svg (the training curve) and DIR/recipe.json. \
            Running the same command again resumes from the checkpoint and continues exactly as an uninterrupted run \
            (same data order and noise); --epochs may be raised to train on.
            """)

    @Option(help: "Model recipe: \(DiffusionPreset.all.map(\.name).joined(separator: ", ")).")
    var preset: String?

    @Option(help: "Training set (bundled split, MP split or CSV path).")
    var data: String?

    @Option(help: "Held-out set whose loss is logged each epoch (monitoring only).")
    var validation: String?

    @Option(name: .customLong("validation-count"), help: "Use the first N held-out crystals for the logged loss.")
    var validationCount = 256

    @Option(help: "Epochs in all (a resumed run trains up to this many).")
    var epochs: Int?

    @Option(name: .customLong("batch-size"), help: "Crystals per step.")
    var batchSize: Int?

    @Option(name: .customLong("learning-rate"), help: "Peak learning rate (AdamW, warm-up then cosine decay).")
    var learningRate: Double?

    @Option(help: "Width of the denoiser's features.")
    var hidden: Int?

    @Option(help: "Message-passing layers.")
    var layers: Int?

    @Flag(name: .customLong("de-novo"), inversion: .prefixedNo, help: "Also diffuse atom types (de novo generation as well as structure prediction).")
    var deNovo: Bool?

    @Option(name: .customLong("condition-property"), help: "Condition on this numeric column (classifier-free guidance).")
    var conditionProperty: String?

    @Flag(name: .customLong("condition-system"), help: "Condition on the chemical system (classifier-free guidance; presets set their own).")
    var conditionSystem = false

    @Option(help: "Random seed (initial weights, data order, noise).")
    var seed: UInt64 = 0

    @Option(help: "Stop after the epoch during which this many minutes have passed (resume later).")
    var minutes: Double?

    @Option(help: "Output directory.")
    var out: String

    func validate() throws {
        if preset == nil && data == nil { throw ValidationError("give --preset or --data") }
        if let preset, DiffusionPreset.all.first(where: { $0.name == preset }) == nil {
            throw ValidationError("no preset '\(preset)' (presets: \(DiffusionPreset.all.map(\.name).joined(separator: ", ")))")
        }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
        if let minutes, minutes <= 0 { throw ValidationError("--minutes must be positive") }
        if validationCount < 1 { throw ValidationError("--validation-count must be at least 1") }
    }

    func run() throws {
        let preset = try self.preset.map(DiffusionPreset.named)
        let dataName = data ?? preset!.data
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let checkpointURL = directory.appendingPathComponent("checkpoint.safetensors")
        let training = try CommandError.naming(dataName) { try DiffusionDataset.load(dataName) }
        let heldOutName = validation ?? preset?.test
        let heldOut = try heldOutName.map { name in try CommandError.naming(name) { Array(try DiffusionDataset.load(name).prefix(validationCount)) } } ?? []

        var checkpoint: DiffusionCheckpoint
        if FileManager.default.fileExists(atPath: checkpointURL.path) {
            checkpoint = try CommandError.naming(checkpointURL.path) { try DiffusionCheckpoint(contentsOf: checkpointURL) }
            if let epochs { checkpoint.options.epochs = epochs }
            printError("resuming from \(checkpointURL.path) after epoch \(checkpoint.epoch)")
        } else {
            var options = preset?.options ?? DiffusionTrainingOptions()
            if let epochs { options.epochs = epochs }
            if let batchSize { options.batchSize = batchSize }
            if let learningRate { options.learningRate = learningRate }
            options.seed = seed
            var config = try preset.map { p in try CommandError.naming(dataName) { try p.config(for: training) } } ?? DiffusionConfig(data: training)
            if let hidden { config.hidden = hidden }
            if let layers { config.layers = layers }
            if let deNovo { config.generatesTypes = deNovo }
            if !config.generatesTypes { options.loss.cspFraction = 1 }
            if conditionSystem { config.conditionsOnSystem = true }
            if let property = conditionProperty {
                try CommandError.naming("--condition-property") { try config.condition(on: property, data: training) }
            }
            checkpoint = try DiffusionCheckpoint(config: config, options: options)
        }
        var trainer = try DiffusionTrainer(checkpoint: checkpoint, data: training, validation: heldOut)
        let c = trainer.checkpoint.model.config
        printError("training on \(training.count) crystals of \(dataName) (\(c.species.count) elements), \(trainer.checkpoint.model.parameterCount) parameters, "
                   + "hidden \(c.hidden), \(c.layers) layers, \(c.generatesTypes ? "structure prediction and de novo" : "structure prediction")")
        let bar = ProgressBar(), start = Date()
        let firstEpoch = trainer.checkpoint.epoch
        while trainer.checkpoint.epoch < trainer.checkpoint.options.epochs {
            let epoch = trainer.checkpoint.epoch + 1, total = trainer.checkpoint.options.epochs
            let record = try trainer.trainEpoch { step, steps, loss in
                bar.update(done: epoch - 1, total: total, elapsed: Date().timeIntervalSince(start),
                           detail: String(format: "epoch %d step %d/%d loss %.4f", epoch, step, steps, loss), resumed: firstEpoch)
            }
            try trainer.checkpoint.write(to: checkpointURL)
            try write(trainer, record: record, data: dataName, heldOut: heldOutName, in: directory)
            if let minutes, Date().timeIntervalSince(start) >= minutes * 60 { break }
        }
        bar.finish()
        let last = trainer.checkpoint.history.last
        print(String(format: "epoch %d of %d: loss %.4f%@; wrote %@", trainer.checkpoint.epoch, trainer.checkpoint.options.epochs,
                     last?.loss ?? .nan, last?.validationLoss.map { String(format: ", held-out %.4f", $0) } ?? "",
                     directory.appendingPathComponent("model.safetensors").path))
    }

    /// The moving-average model, the loss history and the recipe, rewritten after every epoch.
    private func write(_ trainer: DiffusionTrainer, record: DiffusionEpoch, data: String, heldOut: String?, in directory: URL) throws {
        let cp = trainer.checkpoint
        let seconds = cp.history.reduce(0) { $0 + $1.seconds }
        let recipe: [String: Any] = [
            "data": data, "crystals": trainer.data.count, "held_out": heldOut ?? "none", "held_out_crystals": trainer.validation.count,
            "epochs_done": cp.epoch, "wall_seconds": seconds, "preset": preset ?? "none",
            "options": try JSONSerialization.jsonObject(with: JSONEncoder().encode(cp.options)),
            "config": try JSONSerialization.jsonObject(with: JSONEncoder().encode(cp.model.config)),
        ]
        try Data(try jsonText(recipe).utf8).write(to: directory.appendingPathComponent("recipe.json"), options: .atomic)
        try cp.averagedModel.write(to: directory.appendingPathComponent("model.safetensors"),
                                   metadata: ["data": data, "epochs": String(cp.epoch), "preset": preset ?? "none"])
        var csv = "epoch,loss,lattice,coordinates,types,held_out_loss,seconds\n"
        for e in cp.history {
            let parts = (e.parts + [Double.nan, .nan, .nan]).prefix(3).map { $0.isNaN ? "" : String(format: "%.6f", $0) }
            csv += "\(e.epoch),\(String(format: "%.6f", e.loss)),\(parts.joined(separator: ",")),"
                + "\(e.validationLoss.map { String(format: "%.6f", $0) } ?? ""),\(String(format: "%.2f", e.seconds))\n"
        }
        try Data(csv.utf8).write(to: directory.appendingPathComponent("history.csv"), options: .atomic)
        let title = "\(preset ?? data): \(trainer.data.count) crystals, \(cp.model.parameterCount) parameters"
        try Data(TrainingCurvePlot.svg(cp.history, title: title).utf8).write(to: directory.appendingPathComponent("history.svg"), options: .atomic)
    }
}
