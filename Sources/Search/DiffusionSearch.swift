import Crystal
import Diffusion
import Generation

/// The diffusion generator as a strategy that ignores what it is told: each round samples a fresh
/// batch with the round's seed. With target formulas it predicts their structures (formulas in
/// turn, as many formula units as fit in `maxAtoms` and the model's atom counts); otherwise it
/// generates de novo, the target's systems in turn, each as the sample's chemical system.
public struct DiffusionSearch: SearchStrategy {
    public let model: DiffusionModel
    public var target: GenerationTarget
    public var seed: UInt64
    public var sampling: DiffusionSampling
    /// Property value to steer towards (the model's conditioning property), if any.
    public var property: Double?
    public var name: String { "diffusion" }

    public init(model: DiffusionModel, target: GenerationTarget, seed: UInt64, sampling: DiffusionSampling = .init(),
                property: Double? = nil) throws {
        let known = Set(model.config.species)
        for system in target.systems where !system.allSatisfy({ known.contains($0.z) }) {
            let missing = system.filter { !known.contains($0.z) }.map(\.symbol).joined(separator: ", ")
            throw GenerationError.invalidTarget("the diffusion model does not know \(missing) (system \(GenerationTarget.name(system)))")
        }
        if property != nil && model.config.property == nil {
            throw GenerationError.invalidTarget("the diffusion model is not conditioned on a property")
        }
        (self.model, self.target, self.seed, self.sampling, self.property) = (model, target, seed, sampling, property)
    }

    public mutating func tell(_ evaluations: [Evaluation]) {}

    public mutating func ask(count: Int, round: Int) throws -> [Candidate] {
        guard count > 0 else { return [] }
        var s = sampling
        s.seed = round == 0 ? seed : SearchSeed.mix(seed, round)
        var crystals: [DiffusionCrystal] = []
        do {
            if !target.formulas.isEmpty {
                let compositions = try target.formulas.sorted().map { try numbers(Composition($0)) }
                crystals = try model.predictStructures(for: (0..<count).map { compositions[$0 % compositions.count] }, sampling: s)
            } else {
                for (k, system) in target.systems.enumerated() {
                    let n = count / target.systems.count + (k < count % target.systems.count ? 1 : 0)
                    guard n > 0 else { continue }
                    var sk = s
                    sk.seed = SearchSeed.mix(s.seed, k)
                    crystals += try model.generate(count: n, condition: DiffusionCondition(elements: Set(system.map(\.z)), property: property),
                                                   sampling: sk).filter { $0.numbers.count <= target.maxAtoms }
                }
            }
        } catch let error as DiffusionError {
            throw GenerationError.invalidTarget(error.localizedDescription)
        }
        let operation = target.formulas.isEmpty ? "de novo" : "structure prediction"
        return crystals.compactMap { c in
            (try? c.structure()).map { Candidate(structure: $0, provenance: Provenance(generator: name, seed: s.seed, operation: operation)) }
        }
    }

    /// Atomic numbers of the most formula units of `c` that fit in `maxAtoms` and, when the model
    /// knows atom counts, that it was trained on.
    private func numbers(_ c: Composition) throws -> [Int] {
        let reduced = c.reduced
        let unit = Int(reduced.numAtoms.rounded())
        let counts = Set(model.config.atomCounts.keys)
        let fits = (1...max(1, target.maxAtoms / max(unit, 1))).filter { counts.isEmpty || counts.contains($0 * unit) }
        let units = fits.max() ?? 1
        return reduced.items.flatMap { el, amount in [Int](repeating: el.z, count: Int(amount.rounded()) * units) }
    }
}
