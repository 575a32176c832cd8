import Generation

/// Seeds of the strategies: one independent stream per (seed, round).
public enum SearchSeed {
    /// SplitMix64 of the seed and round, so neighbouring rounds draw unrelated numbers.
    public static func mix(_ seed: UInt64, _ round: Int) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: round + 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random symmetric search as a strategy that ignores what it is told: each round draws a fresh
/// batch from `RandomSymmetricGenerator` with the round's seed.
public struct RandomSearch: SearchStrategy {
    public var generator: RandomSymmetricGenerator
    public var target: GenerationTarget
    public var seed: UInt64
    public var name: String { generator.name }

    public init(generator: RandomSymmetricGenerator, target: GenerationTarget, seed: UInt64) {
        self.generator = generator
        self.target = target
        self.seed = seed
    }

    public mutating func tell(_ evaluations: [Evaluation]) {}

    public mutating func ask(count: Int, round: Int) throws -> [Candidate] {
        try generator.generate(target: target, budget: count, seed: round == 0 ? seed : SearchSeed.mix(seed, round))
    }
}

/// Substitution as a strategy that ignores what it is told: each round takes the next `count`
/// proposals of `SubstitutionGenerator`'s ranked list (the same list whatever the batch size).
public struct SubstitutionSearch: SearchStrategy {
    public var generator: SubstitutionGenerator
    public var target: GenerationTarget
    public var seed: UInt64
    /// Proposals made so far (counted from what the strategy is told).
    private var made = 0
    public var name: String { generator.name }

    public init(generator: SubstitutionGenerator, target: GenerationTarget, seed: UInt64) {
        self.generator = generator
        self.target = target
        self.seed = seed
    }

    public mutating func tell(_ evaluations: [Evaluation]) { made += evaluations.count }

    public mutating func ask(count: Int, round: Int) throws -> [Candidate] {
        Array(try generator.generate(target: target, budget: made + count, seed: seed).dropFirst(made))
    }
}
