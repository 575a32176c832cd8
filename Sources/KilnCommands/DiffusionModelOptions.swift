import ArgumentParser
import Diffusion

/// The model and sampling options `kiln generate` and `kiln benchmark diffusion-csp` share.
struct DiffusionModelOptions: ParsableArguments {
    @Option(help: "Model: a shipped name (\(DiffusionModel.bundledNames.joined(separator: ", "))) or a model.safetensors path.")
    var model: String

    @Option(name: .customLong("step-size"), help: "Langevin corrector step at the smallest noise (DiffCSP's step_lr; default: the model's preset's, else 1e-5).")
    var stepSize: Double?

    @Option(name: .customLong("batch-size"), help: "Crystals denoised together.")
    var batchSize = 100

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    func validate() throws {
        guard (stepSize ?? 0) >= 0, batchSize >= 1 else { throw ValidationError("--step-size must be ≥ 0, --batch-size ≥ 1") }
    }

    func load() throws -> DiffusionModel {
        try CommandError.naming(model) { try DiffusionModel.named(model) }
    }

    /// Sampling settings for `model` (structure prediction or de novo: their recommended steps differ).
    func sampling(for model: DiffusionModel, csp: Bool) -> DiffusionSampling {
        var s = DiffusionSampling()
        (s.stepSize, s.batchSize, s.seed) = (stepSize ?? DiffusionPreset.stepSize(for: model, csp: csp), batchSize, seed)
        return s
    }
}
