import Crystal
import Foundation
import Tensor

/// A crystal diffusion model: the denoiser's weights and the noise processes (DiffCSP's joint
/// diffusion of lattice, fractional coordinates and, for de novo generation, atom types).
public struct DiffusionModel: Sendable {
    public let config: DiffusionConfig
    /// The weights, flat in `layout` order.
    public var parameters: [Float]
    /// The preset it was trained with (from its file), which sets the recommended sampling steps.
    public var preset: String?
    let layout: ParameterLayout
    let schedule: NoiseSchedule
    let denoiser: Denoiser

    /// A freshly initialised model (PyTorch's default initialisation, seeded).
    public init(config: DiffusionConfig, seed: UInt64) throws {
        try config.validate()
        var rng = SeededGenerator(seed: seed)
        let layout = Denoiser.layout(config)
        try self.init(config: config, parameters: layout.initialValues(rng: &rng))
    }

    public init(config: DiffusionConfig, parameters: [Float]) throws {
        try config.validate()
        self.config = config
        layout = Denoiser.layout(config)
        guard parameters.count == layout.count else {
            throw DiffusionError.badModel("\(parameters.count) parameters, the architecture needs \(layout.count)")
        }
        self.parameters = parameters
        schedule = NoiseSchedule(timesteps: config.timesteps, sigmaBegin: config.sigmaBegin, sigmaEnd: config.sigmaEnd)
        denoiser = Denoiser(config: config)
    }

    public var parameterCount: Int { layout.count }

    /// Index of each atomic number in the type vectors.
    func speciesIndex(_ z: Int) throws -> Int {
        guard let k = config.species.firstIndex(of: z) else {
            let symbol = (try? Element(z: z).symbol) ?? "Z=\(z)"
            throw DiffusionError.badRequest("\(symbol) is not among the model's \(config.species.count) elements")
        }
        return k
    }

    /// The condition vector of one crystal: element multi-hot with its flag, standardised property
    /// with its flag; a part left out is all zeros (the unconditional input of classifier-free guidance).
    func conditionVector(elements: Set<Int>?, property: Double?) throws -> [Float] {
        var out: [Float] = []
        if config.conditionsOnSystem {
            var hot = [Float](repeating: 0, count: config.species.count + 1)
            if let elements {
                for z in elements { hot[try speciesIndex(z)] = 1 }
                hot[config.species.count] = 1
            }
            out += hot
        }
        if config.property != nil {
            out += property.map { [Float(($0 - config.propertyMean) / config.propertyScale), 1] } ?? [0, 0]
        }
        return out
    }
}

/// Weights of the three loss terms and how conditions are dropped in training.
public struct DiffusionLossOptions: Codable, Sendable, Equatable {
    public var lattice = 1.0, coordinates = 1.0, types = 1.0
    /// Fraction of crystals whose types stay clean (crystal structure prediction) when the model
    /// also generates types; 0 trains de novo generation only.
    public var cspFraction = 0.5
    /// Probability of dropping each condition (classifier-free guidance's unconditional model).
    public var conditionDrop = 0.1
    public init() {}
}

extension DiffusionModel {
    /// The denoising loss of one batch at random timesteps, and its gradient with respect to
    /// `parameters`: ‖ε̂_L − ε_L‖², ‖ŝ_F − ∇log p_W/√E[(∇log p_W)²]‖² and ‖ε̂_A − ε_A‖² (means).
    /// Without `gradient` the returned gradient is empty (held-out losses).
    func loss(_ parameters: [Float], crystals: [DiffusionCrystal], options: DiffusionLossOptions,
              rng: inout SeededGenerator, gradient: Bool = true) throws -> (total: Double, parts: [Double], gradient: [Float]) {
        let batch = CrystalBatch(counts: crystals.map(\.numbers.count))
        let (n, v, s) = (batch.atoms, config.species.count, schedule)
        var fractional = [Double](), lattices = [Double](), types = [Float](), times = [Int](), typeTimes = [Int]()
        var latticeNoise = [Float](), coordinateTarget = [Float](), typeNoise = [Float](), typeMask = [Float]()
        var condition = [Float]()
        for c in crystals {
            let t = Int.random(in: 1...s.timesteps, using: &rng)
            times.append(t)
            let (l, e) = s.noised(c.lattice, t: t, rng: &rng)
            lattices += l
            latticeNoise += e.map { Float($0) }
            let (f, target) = s.noisedCoordinates(c.fractional, t: t, rng: &rng)
            fractional += f
            coordinateTarget += target.map { Float($0) }
            let diffuseTypes = config.generatesTypes && Double.random(in: 0..<1, using: &rng) >= options.cspFraction
            typeTimes.append(diffuseTypes ? t : 0)
            var clean = [Double](repeating: 0, count: c.numbers.count * v)
            for (a, z) in c.numbers.enumerated() { clean[a * v + (try speciesIndex(z))] = 1 }
            typeMask += [Float](repeating: diffuseTypes ? 1 : 0, count: c.numbers.count)
            if diffuseTypes {
                let (noisy, e) = s.noised(clean, t: t, rng: &rng)
                types += noisy.map { Float($0) }
                typeNoise += e.map { Float($0) }
            } else {
                types += clean.map { Float($0) }
                typeNoise += [Float](repeating: 0, count: clean.count)
            }
            let keepSystem = Double.random(in: 0..<1, using: &rng) >= options.conditionDrop
            let keepProperty = Double.random(in: 0..<1, using: &rng) >= options.conditionDrop
            let property = config.property.flatMap { c.properties[$0] }
            if config.property != nil && property == nil && keepProperty {
                throw DiffusionError.badData("\(c.id) has no '\(config.property!)' to condition on")
            }
            condition += try conditionVector(elements: keepSystem ? Set(c.numbers) : nil, property: keepProperty ? property : nil)
        }
        let tape = Tape()
        let w = layout.tensors(parameters, tape: tape)
        let out = denoiser(w, Denoiser.Input(
            batch: batch, types: Tensor(shape: [n, v], scalars: types), fractional: fractional, lattices: lattices,
            times: times, typeTimes: typeTimes, condition: condition))
        let latticeLoss = (out.lattice - Tensor(shape: [batch.crystals, 3, 3], scalars: latticeNoise)).squared().mean()
        let coordinateLoss = (out.coordinates - Tensor(shape: [n, 3], scalars: coordinateTarget)).squared().mean()
        var total = latticeLoss * options.lattice + coordinateLoss * options.coordinates
        var parts = [latticeLoss.item, coordinateLoss.item]
        if let predicted = out.types {
            let masked = typeMask.reduce(0, +)
            let squared = (predicted - Tensor(shape: [n, v], scalars: typeNoise)).squared() * Tensor(shape: [n, 1], scalars: typeMask)
            let typeLoss = squared.sum() / Double(max(masked, 1) * Float(v))
            total = total + typeLoss * options.types
            parts.append(typeLoss.item)
        }
        guard gradient else { return (total.item, parts, []) }
        let names = layout.slots.map(\.name)
        let grads = tape.gradients(of: total, wrt: names.map { w[$0]! })
        return (total.item, parts, layout.flatten(Dictionary(uniqueKeysWithValues: zip(names, grads))))
    }
}
