import Crystal
import Foundation
import KilnSupport
import Tensor

/// How a model is sampled (DiffCSP's predictor–corrector: a Langevin corrector and a reverse-SDE
/// predictor on the coordinates, ancestral DDPM steps on the lattice and types).
public struct DiffusionSampling: Sendable, Equatable {
    /// The corrector's step at σ_begin (DiffCSP's `step_lr`); its step at σₜ is this × (σₜ/σ_begin)².
    public var stepSize = 1e-5
    /// Classifier-free guidance scale γ: ε = ε_uncond + γ(ε_cond − ε_uncond); 1 is the plain conditional model.
    public var guidance = 1.0
    /// Crystals denoised together.
    public var batchSize = 100
    public var seed: UInt64 = 0
    public init() {}
}

/// The condition of a request: a chemical system and/or a property value (either may be absent).
public struct DiffusionCondition: Sendable, Equatable {
    public var elements: Set<Int>?
    public var property: Double?
    public init(elements: Set<Int>? = nil, property: Double? = nil) { (self.elements, self.property) = (elements, property) }
}

extension DiffusionModel {
    /// Crystal structure prediction: one structure for each composition (atomic numbers, one per atom).
    public func predictStructures(for compositions: [[Int]], condition: DiffusionCondition = .init(),
                                  sampling: DiffusionSampling = .init()) throws -> [DiffusionCrystal] {
        guard compositions.allSatisfy({ !$0.isEmpty }) else { throw DiffusionError.badRequest("a composition has no atoms") }
        for c in compositions { for z in c { _ = try speciesIndex(z) } }
        if let largest = config.atomCounts.keys.max(), let c = compositions.first(where: { $0.count > largest }) {
            throw DiffusionError.badRequest("a composition of \(c.count) atoms is larger than any crystal the model was trained on (at most \(largest) atoms)")
        }
        return try run(counts: compositions.map(\.count), types: compositions, condition: condition, sampling: sampling)
    }

    /// De novo generation of `count` crystals, atom counts drawn from the training distribution.
    public func generate(count: Int, condition: DiffusionCondition = .init(),
                         sampling: DiffusionSampling = .init()) throws -> [DiffusionCrystal] {
        guard config.generatesTypes || config.species.count == 1 else {
            throw DiffusionError.badRequest("this model predicts structures for given compositions only (no type diffusion)")
        }
        let total = config.atomCounts.values.reduce(0, +)
        guard total > 0 else { throw DiffusionError.badModel("no atom-count distribution stored") }
        var rng = SeededGenerator(seed: sampling.seed ^ 0x5EED_C0DE)
        let sizes = config.atomCounts.keys.sorted()
        let counts = (0..<count).map { _ -> Int in
            var u = Int.random(in: 0..<total, using: &rng)
            for n in sizes {
                u -= config.atomCounts[n]!
                if u < 0 { return n }
            }
            return sizes.last!
        }
        let types = config.generatesTypes ? nil : counts.map { [Int](repeating: config.species[0], count: $0) }
        return try run(counts: counts, types: types, condition: condition, sampling: sampling)
    }

    private func run(counts: [Int], types: [[Int]]?, condition: DiffusionCondition,
                     sampling: DiffusionSampling) throws -> [DiffusionCrystal] {
        guard sampling.stepSize >= 0, sampling.guidance >= 0, sampling.batchSize >= 1 else {
            throw DiffusionError.badRequest("step size and guidance must be ≥ 0, batch size ≥ 1")
        }
        if condition.property != nil && config.property == nil {
            throw DiffusionError.badRequest("this model is not conditioned on a property")
        }
        // Elements always restrict the types chosen; they steer the network only when it learnt them.
        let conditional = try conditionVector(elements: condition.elements, property: condition.property)
        let unconditional = try conditionVector(elements: nil, property: nil)
        let allowed = try condition.elements.map { try Set($0.map(speciesIndex)) }
        let pass = DenoiserPass(config: config, parameters: parameters)
        var out: [DiffusionCrystal] = []
        var start = 0
        while start < counts.count {
            let end = min(start + sampling.batchSize, counts.count)
            var rng = SeededGenerator(seed: sampling.seed &+ UInt64(start) &* 0x9E37_79B9)
            out += try denoise(pass, counts: Array(counts[start..<end]), types: types.map { Array($0[start..<end]) },
                               conditional: conditional, unconditional: unconditional, guided: conditional != unconditional,
                               allowed: allowed, sampling: sampling, rng: &rng)
            start = end
        }
        return out
    }

    private func denoise(_ pass: DenoiserPass, counts: [Int], types given: [[Int]]?, conditional: [Float],
                         unconditional: [Float], guided: Bool, allowed: Set<Int>?, sampling: DiffusionSampling,
                         rng: inout SeededGenerator) throws -> [DiffusionCrystal] {
        let batch = CrystalBatch(counts: counts), graph = DenoiserPass.Graph(batch)
        let (n, v, s, b) = (batch.atoms, config.species.count, schedule, counts.count)
        var lattices = (0..<(9 * b)).map { _ in rng.gaussian() }
        var fractional = (0..<(3 * n)).map { _ in Double.random(in: 0..<1, using: &rng) }
        var typeValues: [Double]
        if let given {
            typeValues = [Double](repeating: 0, count: n * v)
            for (a, z) in given.joined().enumerated() { typeValues[a * v + (try speciesIndex(z))] = 1 }
        } else {
            typeValues = (0..<(n * v)).map { _ in rng.gaussian() }
        }
        let diffuseTypes = given == nil
        let conditionRows = [Float]((0..<b).map { _ in conditional }.joined())
        let nullRows = [Float]((0..<b).map { _ in unconditional }.joined())

        /// The (guided) network outputs at step t: ε̂_L, coordinate score ∇log p, ε̂_A.
        func predict(_ t: Int) -> (lattice: [Double], score: [Double], types: [Double]) {
            func run(_ condition: [Float]) -> (lattice: [Double], coordinates: [Double], types: [Double]) {
                pass(graph, Denoiser.Input(
                    batch: batch, types: Tensor(shape: [n, v], scalars: typeValues.map { Float($0) }),
                    fractional: fractional, lattices: lattices, times: [Int](repeating: t, count: b),
                    typeTimes: [Int](repeating: diffuseTypes ? t : 0, count: b), condition: condition))
            }
            var (lattice, score, types) = run(conditionRows)
            if guided && sampling.guidance != 1 {
                let u = run(nullRows), g = sampling.guidance
                func mix(_ a: inout [Double], _ b: [Double]) { for k in a.indices { a[k] = b[k] + g * (a[k] - b[k]) } }
                mix(&lattice, u.lattice)
                mix(&score, u.coordinates)
                mix(&types, u.types)
            }
            let norm = s.coordinateScoreNorms[t].squareRoot()
            return (lattice, score.map { $0 * norm }, types)
        }
        func wrap(_ x: Double) -> Double { x - x.rounded(.down) }

        for t in stride(from: s.timesteps, through: 1, by: -1) {
            let last = t == 1
            let sigma = s.coordinateSigmas[t], previous = s.coordinateSigmas[t - 1]
            // Corrector: one Langevin step on the coordinates at noise level σₜ.
            let corrector = predict(t)
            let step = sampling.stepSize * (sigma / s.sigmaBegin) * (sigma / s.sigmaBegin)
            let std = (2 * step).squareRoot()
            for k in fractional.indices {
                fractional[k] = wrap(fractional[k] + step * corrector.score[k] + (last ? 0 : std * rng.gaussian()))
            }
            // Predictor: reverse-SDE step to σₜ₋₁ on the coordinates, DDPM ancestral step on lattice and types.
            let p = predict(t)
            let move = sigma * sigma - previous * previous
            let spread = (previous * previous * move / (sigma * sigma)).squareRoot()
            for k in fractional.indices {
                fractional[k] = wrap(fractional[k] + move * p.score[k] + (last ? 0 : spread * rng.gaussian()))
            }
            let c0 = 1 / s.alphas[t].squareRoot(), c1 = (1 - s.alphas[t]) / (1 - s.alphaBars[t]).squareRoot()
            for k in lattices.indices {
                lattices[k] = c0 * (lattices[k] - c1 * p.lattice[k]) + (last ? 0 : s.posteriorSigmas[t] * rng.gaussian())
            }
            if diffuseTypes {
                for k in typeValues.indices {
                    typeValues[k] = c0 * (typeValues[k] - c1 * p.types[k]) + (last ? 0 : s.posteriorSigmas[t] * rng.gaussian())
                }
            }
        }
        var out: [DiffusionCrystal] = []
        var atom = 0
        for (g, count) in counts.enumerated() {
            var numbers: [Int] = []
            for a in atom..<(atom + count) {
                let scores = typeValues[(a * v)..<((a + 1) * v)]
                let best = scores.indices.filter { allowed?.contains($0 - a * v) ?? true }.max { scores[$0] < scores[$1] }!
                numbers.append(config.species[best - a * v])
            }
            out.append(DiffusionCrystal(id: "sample-\(g)", numbers: numbers, fractional: Array(fractional[(3 * atom)..<(3 * (atom + count))]),
                                        lattice: Array(lattices[(9 * g)..<(9 * g + 9)])))
            atom += count
        }
        return out
    }
}
