import Foundation

/// The architecture and processes of a crystal diffusion model; stored with its weights.
public struct DiffusionConfig: Codable, Sendable, Equatable {
    /// Atomic numbers the model knows, in the order of its type vectors.
    public var species: [Int]
    /// Width of node and edge features, number of message-passing layers, width of each timestep's
    /// sinusoidal embedding, number of Fourier frequencies per fractional-coordinate difference.
    public var hidden = 128, layers = 4, timeEmbedding = 64, frequencies = 10
    /// Diffusion steps and the wrapped-normal σ range of the coordinates.
    public var timesteps = 1000, sigmaBegin = 0.005, sigmaEnd = 0.5
    /// Whether atom types are diffused too (de novo generation); without, the model only predicts
    /// structures for given compositions (crystal structure prediction).
    public var generatesTypes = false
    /// Whether the model takes the chemical system (the set of elements) as a condition.
    public var conditionsOnSystem = false
    /// The scalar property the model is conditioned on (a `DiffusionDataset` column), with the mean
    /// and standard deviation that standardise it.
    public var property: String?
    public var propertyMean = 0.0, propertyScale = 1.0
    /// How many training crystals had each number of atoms: de novo generation draws N from it.
    public var atomCounts: [Int: Int] = [:]

    public init(species: [Int]) { self.species = species }

    /// Default architecture for a training set: its elements, its atom-count distribution, and
    /// type diffusion when it has more than one element.
    public init(data: [DiffusionCrystal]) {
        self.init(species: Array(Set(data.flatMap(\.numbers))).sorted())
        atomCounts = Dictionary(data.map { ($0.numbers.count, 1) }, uniquingKeysWith: +)
        generatesTypes = species.count > 1
    }

    /// Width of the condition vector: element multi-hot and its flag, property and its flag.
    var conditionWidth: Int { (conditionsOnSystem ? species.count + 1 : 0) + (property != nil ? 2 : 0) }
    /// Width of the timestep part of a node's input (one embedding, two when types are diffused).
    var timeWidth: Int { timeEmbedding * (generatesTypes ? 2 : 1) }
    var fourierWidth: Int { 6 * frequencies }

    /// Conditions on `property`, standardised by its mean and standard deviation over `data`; every
    /// crystal must have it.
    public mutating func condition(on property: String, data: [DiffusionCrystal]) throws {
        let values = data.compactMap { $0.properties[property] }
        guard !values.isEmpty, values.count == data.count else {
            throw DiffusionError.badData("'\(property)': \(data.count - values.count) of \(data.count) crystals lack it")
        }
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
        (self.property, propertyMean, propertyScale) = (property, mean, max(sd, 1e-9))
    }

    /// Checks the numbers a hand-edited or corrupt file could get wrong.
    func validate() throws {
        func fail(_ why: String) -> DiffusionError { .badModel(why) }
        guard !species.isEmpty, Set(species).count == species.count, species.allSatisfy({ (1...118).contains($0) }) else {
            throw fail("species must be distinct atomic numbers 1…118")
        }
        guard (8...4096).contains(hidden), (1...32).contains(layers), (4...1024).contains(timeEmbedding),
              timeEmbedding % 2 == 0, (1...256).contains(frequencies) else {
            throw fail("hidden 8…4096, layers 1…32, time embedding an even 4…1024, frequencies 1…256")
        }
        guard (2...100_000).contains(timesteps), sigmaBegin > 0, sigmaEnd > sigmaBegin, sigmaEnd <= 2 else {
            throw fail("timesteps 2…100000 and 0 < sigmaBegin < sigmaEnd ≤ 2")
        }
        guard propertyScale > 0, propertyMean.isFinite else { throw fail("property scale must be positive") }
        guard atomCounts.allSatisfy({ $0.key >= 1 && $0.value >= 0 }) else { throw fail("atom counts must be positive") }
    }
}

/// Problems with diffusion data, models and requests, in words a user can act on.
public enum DiffusionError: Error, LocalizedError, Equatable {
    case badModel(String)
    case badData(String)
    case badRequest(String)

    public var errorDescription: String? {
        switch self {
        case .badModel(let s): return "diffusion model: \(s)"
        case .badData(let s): return "diffusion data: \(s)"
        case .badRequest(let s): return "diffusion: \(s)"
        }
    }
}
