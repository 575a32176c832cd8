import Foundation

/// The recipes of the shipped models: data, architecture and training options, so
/// `kiln train diffusion --preset NAME` reproduces each from the bundled data.
public struct DiffusionPreset: Sendable {
    public let name: String
    /// Training set and the held-out set whose loss is logged each epoch (monitoring only: no
    /// choice is made on it) and on which the model is evaluated.
    public let data: String, test: String
    /// Labelled rows a property judge trained on `data` may stop early on, when `data` itself has
    /// none in the fixed split's validation part (the MP split puts all of mp20_val there).
    public let validation: String?
    /// Atoms of the denoiser's crystals: perovskites 5, carbon 6–24.
    public let summary: String
    public let generatesTypes: Bool
    /// Conditions learnt for classifier-free guidance: the chemical system, and a property column.
    public let conditionsOnSystem: Bool
    public let property: String?
    public let hidden: Int, layers: Int
    public let options: DiffusionTrainingOptions
    /// CDVAE's COV cut-offs for this family (`kiln evaluate --cov-cutoffs`).
    public let coverageCutoffs: String
    /// Langevin corrector steps DiffCSP recommends for this data set (its `step_lr`): structure
    /// prediction and de novo generation.
    public let cspStepSize: Double, generationStepSize: Double

    public static let all: [DiffusionPreset] = [
        DiffusionPreset(name: "perov5", data: "perov_5_val", test: "perov_5_test",
                        validation: nil,
                        summary: "perovskites ABX₃, 5 atoms (CDVAE's perov_5, its val split: a third of CDVAE's training data)",
                        generatesTypes: true, conditionsOnSystem: true, property: "dir_gap", hidden: 192, layers: 4,
                        options: options(epochs: 600, batch: 64), coverageCutoffs: "perovskite",
                        cspStepSize: 5e-7, generationStepSize: 1e-6),
        DiffusionPreset(name: "carbon24", data: "carbon_24_val", test: "carbon_24_test",
                        validation: nil,
                        summary: "carbon allotropes, 6–24 atoms (CDVAE's carbon_24, its val split: a sixth of CDVAE's training data)",
                        generatesTypes: false, conditionsOnSystem: false, property: nil, hidden: 192, layers: 4,
                        options: options(epochs: 600, batch: 32), coverageCutoffs: "carbon",
                        cspStepSize: 5e-6, generationStepSize: 1e-5),
        DiffusionPreset(name: "mp20", data: "mp20_train", test: "mp20_test", validation: "mp20_val",
                        summary: "built-in MP structures of at most 20 ordered sites, split by material id (15,676 training crystals)",
                        generatesTypes: true, conditionsOnSystem: true, property: "formation_energy_per_atom", hidden: 256, layers: 4,
                        options: options(epochs: 200, batch: 64), coverageCutoffs: "mp20",
                        cspStepSize: 1e-5, generationStepSize: 5e-6),
    ]

    public static func named(_ name: String) throws -> DiffusionPreset {
        guard let p = all.first(where: { $0.name == name }) else {
            throw DiffusionError.badRequest("no preset '\(name)' (presets: \(all.map(\.name).joined(separator: ", ")))")
        }
        return p
    }

    /// The corrector step for a model: its preset's recommendation, else 1e-5.
    public static func stepSize(for model: DiffusionModel, csp: Bool) -> Double {
        guard let p = all.first(where: { $0.name == model.preset }) else { return 1e-5 }
        return csp ? p.cspStepSize : p.generationStepSize
    }

    static func options(epochs: Int, batch: Int) -> DiffusionTrainingOptions {
        var o = DiffusionTrainingOptions()
        (o.epochs, o.batchSize) = (epochs, batch)
        return o
    }

    /// The configuration for a training set: its elements and atom-count distribution, and the
    /// standardisation of the conditioning property.
    public func config(for data: [DiffusionCrystal]) throws -> DiffusionConfig {
        var c = DiffusionConfig(data: data)
        (c.hidden, c.layers, c.generatesTypes, c.conditionsOnSystem) = (hidden, layers, generatesTypes, conditionsOnSystem)
        if let property { try c.condition(on: property, data: data) }
        return c
    }
}
