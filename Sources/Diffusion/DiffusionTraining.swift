import Crystal
import Foundation
import KilnSupport
import Learning
import Potentials

/// How a model is trained: AdamW with linear warm-up then cosine decay, gradient clipping, an
/// exponential moving average of the weights (what is sampled), and the seed that fixes the data
/// order and every noise draw, so a resumed run continues exactly as an uninterrupted one.
public struct DiffusionTrainingOptions: Codable, Sendable, Equatable {
    public var epochs = 1000
    /// Crystals per step.
    public var batchSize = 64
    public var learningRate = 1e-3, minimumLearningRate = 1e-5
    public var warmupSteps = 200
    public var weightDecay = 0.0
    /// Largest gradient norm before clipping.
    public var gradientClip = 10.0
    public var emaDecay = 0.999
    public var seed: UInt64 = 0
    public var loss = DiffusionLossOptions()
    public init() {}

    func validate() throws {
        guard epochs >= 1, batchSize >= 1, learningRate > 0, minimumLearningRate >= 0, minimumLearningRate <= learningRate,
              warmupSteps >= 0, weightDecay >= 0, gradientClip > 0, (0..<1).contains(emaDecay),
              loss.cspFraction >= 0, loss.cspFraction <= 1, loss.conditionDrop >= 0, loss.conditionDrop < 1,
              loss.lattice >= 0, loss.coordinates >= 0, loss.types >= 0 else {
            throw DiffusionError.badRequest("training options out of range (epochs ≥ 1, batch ≥ 1, 0 ≤ min lr ≤ lr, 0 ≤ EMA decay < 1, fractions in [0, 1])")
        }
    }
}

/// One finished epoch: mean training loss and its parts (lattice, coordinates, types), and the
/// held-out loss when a validation set is given (same fixed noise draw every time).
public struct DiffusionEpoch: Codable, Sendable, Equatable {
    public var epoch: Int
    public var loss: Double
    public var parts: [Double]
    public var validationLoss: Double?
    public var seconds: Double
}

/// Everything a training run needs to continue after a kill: weights, optimiser moments, the
/// moving average, the step count and the history. Saved as one safetensors file.
public struct DiffusionCheckpoint: Sendable {
    public var model: DiffusionModel
    public var options: DiffusionTrainingOptions
    public var optimiser: AdamW<Float>
    public var average: ParameterAverage<Float>
    public var history: [DiffusionEpoch]

    public init(config: DiffusionConfig, options: DiffusionTrainingOptions) throws {
        try options.validate()
        model = try DiffusionModel(config: config, seed: options.seed)
        self.options = options
        optimiser = AdamW(count: model.parameterCount, weightDecay: options.weightDecay)
        average = ParameterAverage(model.parameters, decay: options.emaDecay)
        history = []
    }

    /// Epochs finished.
    public var epoch: Int { history.count }

    /// The model with the averaged weights: what is shipped and sampled.
    public var averagedModel: DiffusionModel {
        get throws { try DiffusionModel(config: model.config, parameters: average.values) }
    }

    static let format = "kiln-diffusion-checkpoint-1"

    public func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func json<T: Encodable>(_ v: T) throws -> String { String(decoding: try encoder.encode(v), as: UTF8.self) }
        let p = model.parameterCount
        let data = SafeTensors.encode([
            ("parameters", [p], model.parameters), ("adam.first", [p], optimiser.firstMoment),
            ("adam.second", [p], optimiser.secondMoment), ("average", [p], average.values),
        ], metadata: ["format": Self.format, "config": try json(model.config), "options": try json(options),
                      "history": try json(history), "adam.steps": String(optimiser.steps)])
        try data.write(to: url, options: .atomic)
    }

    public init(contentsOf url: URL) throws {
        let file = try SafeTensors(contentsOf: url)
        guard file.metadata["format"] == Self.format, let config = file.metadata["config"], let options = file.metadata["options"],
              let history = file.metadata["history"], let steps = file.metadata["adam.steps"].flatMap({ Int($0) }) else {
            throw DiffusionError.badModel("\(url.path) is not a Kiln diffusion checkpoint")
        }
        let decoder = JSONDecoder()
        do {
            self.options = try decoder.decode(DiffusionTrainingOptions.self, from: Data(options.utf8))
            self.history = try decoder.decode([DiffusionEpoch].self, from: Data(history.utf8))
            let c = try decoder.decode(DiffusionConfig.self, from: Data(config.utf8))
            model = try DiffusionModel(config: c, parameters: try file.floats("parameters"))
        } catch let error as DiffusionError { throw error } catch {
            throw DiffusionError.badModel("\(url.path): \(ErrorText.describe(error))")
        }
        let p = model.parameterCount
        optimiser = AdamW(firstMoment: try file.floats("adam.first", shape: [p]), secondMoment: try file.floats("adam.second", shape: [p]),
                          steps: steps, weightDecay: self.options.weightDecay)
        average = ParameterAverage(try file.floats("average", shape: [p]), decay: self.options.emaDecay)
    }
}

/// Runs training epochs over a data set, checkpointing after each.
public struct DiffusionTrainer {
    public private(set) var checkpoint: DiffusionCheckpoint
    public let data: [DiffusionCrystal]
    public let validation: [DiffusionCrystal]

    public init(checkpoint: DiffusionCheckpoint, data: [DiffusionCrystal], validation: [DiffusionCrystal] = []) throws {
        guard !data.isEmpty else { throw DiffusionError.badData("no training crystals") }
        for c in data + validation {
            for z in c.numbers where !checkpoint.model.config.species.contains(z) {
                throw DiffusionError.badData("\(c.id) contains Z=\(z), which the model's species list lacks")
            }
        }
        (self.checkpoint, self.data, self.validation) = (checkpoint, data, validation)
    }

    var stepsPerEpoch: Int { (data.count + checkpoint.options.batchSize - 1) / checkpoint.options.batchSize }

    /// Learning rate at a step: linear warm-up, then cosine decay to the minimum at the last epoch.
    func learningRate(step: Int) -> Double {
        let o = checkpoint.options
        if step < o.warmupSteps { return o.learningRate * Double(step + 1) / Double(o.warmupSteps) }
        let total = max(o.epochs * stepsPerEpoch - o.warmupSteps, 1)
        let progress = min(Double(step - o.warmupSteps) / Double(total), 1)
        return o.minimumLearningRate + (o.learningRate - o.minimumLearningRate) * (1 + cos(.pi * progress)) / 2
    }

    /// Mixes a seed with a counter (SplitMix64 of their combination) for independent streams.
    static func stream(_ seed: UInt64, _ purpose: UInt64, _ index: Int) -> SeededGenerator {
        var g = SeededGenerator(seed: seed ^ (purpose &* 0xD1B5_4A32_D192_ED03) ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
        _ = g.next()
        return SeededGenerator(seed: g.next())
    }

    /// Trains one epoch and returns its record (appended to the checkpoint's history).
    public mutating func trainEpoch(progress: ((_ step: Int, _ of: Int, _ loss: Double) -> Void)? = nil) throws -> DiffusionEpoch {
        let start = Date()
        let o = checkpoint.options, epoch = checkpoint.epoch
        var orderRNG = Self.stream(o.seed, 1, epoch)
        let order = Array(data.indices).shuffled(using: &orderRNG)
        var total = 0.0, parts: [Double] = []
        for s in 0..<stepsPerEpoch {
            let step = epoch * stepsPerEpoch + s
            let batch = order[(s * o.batchSize)..<min((s + 1) * o.batchSize, order.count)].map { data[$0] }
            var rng = Self.stream(o.seed, 2, step)
            var r = try checkpoint.model.loss(checkpoint.model.parameters, crystals: batch, options: o.loss, rng: &rng)
            guard r.total.isFinite else { throw DiffusionError.badData("the loss became \(r.total) at step \(step); lower the learning rate") }
            AdamW<Float>.clip(&r.gradient, maxNorm: o.gradientClip)
            checkpoint.optimiser.step(&checkpoint.model.parameters, gradient: r.gradient, learningRate: learningRate(step: step))
            checkpoint.average.update(checkpoint.model.parameters)
            total += r.total
            parts = parts.isEmpty ? r.parts : zip(parts, r.parts).map { $0 + $1 }
            progress?(s + 1, stepsPerEpoch, total / Double(s + 1))
        }
        let n = Double(stepsPerEpoch)
        let record = DiffusionEpoch(epoch: epoch + 1, loss: total / n, parts: parts.map { $0 / n },
                                    validationLoss: try validationLoss(), seconds: Date().timeIntervalSince(start))
        checkpoint.history.append(record)
        return record
    }

    /// Mean loss of the averaged weights on the validation set, with a fixed noise draw (nil without one).
    public func validationLoss() throws -> Double? {
        guard !validation.isEmpty else { return nil }
        let model = try checkpoint.averagedModel, size = checkpoint.options.batchSize
        var total = 0.0, batches = 0
        for start in stride(from: 0, to: validation.count, by: size) {
            var rng = Self.stream(checkpoint.options.seed, 3, batches)
            let batch = Array(validation[start..<min(start + size, validation.count)])
            total += try model.loss(model.parameters, crystals: batch, options: checkpoint.options.loss, rng: &rng, gradient: false).total
            batches += 1
        }
        return total / Double(batches)
    }
}
