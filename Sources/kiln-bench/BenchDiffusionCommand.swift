import ArgumentParser
import Diffusion
import Foundation
import KilnCommands

/// `kiln-bench diffusion`: a diffusion model's training step and sampling time, beside
/// Benchmarks/diffusion_torch.py (the same architecture in PyTorch, loaded from the same file).
struct BenchDiffusionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diffusion",
        abstract: "Time a diffusion model's training step and sampling against its PyTorch twin (Benchmarks/diffusion_torch.py).",
        discussion: """
            Training step (median of --steps): a batch of --batch crystals of the model's preset's training set \
            (perov5: perov_5_val), the loss, its gradient, clipping, AdamW and the moving average, as \
            `kiln train diffusion` runs it. Sampling: structure prediction for the first --sample compositions \
            of that set over every timestep (predictor-corrector: two network passes per timestep), then the \
            same with a property condition and guidance 2 (four passes) when the model has a property.
            """)

    @Option(help: "Model: a shipped name or a model.safetensors path.")
    var model = "perov5"

    @Option(help: "Crystals per training step.")
    var batch = 64

    @Option(help: "Timed training steps (median reported).")
    var steps = 20

    @Option(help: "Crystals sampled together.")
    var sample = 100

    @Option(help: "JSON written by Benchmarks/diffusion_torch.py for the side-by-side ratios.")
    var python: String?

    func validate() throws {
        guard batch >= 1, steps >= 1, sample >= 1 else { throw ValidationError("--batch, --steps and --sample must be at least 1") }
    }

    func run() throws {
        Machine.printHeader()
        let m = try CommandError.naming(model) { try DiffusionModel.named(model) }
        guard let preset = DiffusionPreset.all.first(where: { $0.name == m.preset }) else {
            throw CommandError("\(model) has no preset: its training set is unknown")
        }
        let data = try DiffusionDataset.load(preset.data)
        var options = preset.options
        options.batchSize = batch
        var trainer = try DiffusionTrainer(checkpoint: DiffusionCheckpoint(config: m.config, options: options),
                                           data: Array(data.prefix(batch * (steps + 1))))
        var stepTimes: [Double] = [], last = Timing.wallSeconds()
        _ = try trainer.trainEpoch { step, _, _ in
            let now = Timing.wallSeconds()
            if step > 1 { stepTimes.append(now - last) }  // the first step warms up
            last = now
        }
        let trainStep = Timing.median(stepTimes)

        var sampling = DiffusionSampling()
        sampling.batchSize = sample
        let compositions = data.prefix(sample).map(\.numbers)
        var start = Timing.wallSeconds()
        _ = try m.predictStructures(for: compositions, sampling: sampling)
        let sampleSeconds = Timing.wallSeconds() - start
        var guided: Double?
        if m.config.property != nil {
            sampling.guidance = 2
            start = Timing.wallSeconds()
            _ = try m.predictStructures(for: compositions, condition: DiffusionCondition(property: 1), sampling: sampling)
            guided = Timing.wallSeconds() - start
        }

        let py = try python.map(BenchInputs.json) ?? [:]
        func row(_ label: String, _ kiln: Double, _ key: String) {
            let torch = py[key] as? Double
            print(Timing.pad(label, 44) + String(format: "%10.3f s", kiln)
                  + (torch.map { String(format: "%12.3f s %8.2f×", $0, $0 / kiln) } ?? ""))
        }
        print("\(model): \(m.parameterCount) parameters, \(m.config.hidden) wide, \(m.config.layers) layers, \(m.config.timesteps) timesteps")
        print(Timing.pad("", 44) + "      Kiln" + (python == nil ? "" : "       PyTorch   speed-up"))
        row("training step (\(batch) crystals)", trainStep, "train_step_seconds")
        row("sampling \(sample) crystals (CSP)", sampleSeconds, "sample_seconds")
        if let guided { row("sampling \(sample) crystals, guidance 2", guided, "guided_sample_seconds") }
    }
}
