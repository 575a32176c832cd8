import Crystal

/// Runs several generators on one target and concatenates their candidates. Stage k runs with a
/// seed derived from (seed, k), so stages are independent and the whole run is reproducible.
public struct GenerationPipeline: Sendable {
    /// A generator and how many candidates to ask it for.
    public struct Stage: Sendable {
        public var generator: any StructureGenerator
        public var budget: Int

        public init(_ generator: any StructureGenerator, budget: Int) {
            self.generator = generator
            self.budget = budget
        }
    }

    public var stages: [Stage]

    public init(_ stages: [Stage]) { self.stages = stages }

    /// Candidates of every stage, in stage order. A stage stopped by its time/attempt limit
    /// contributes what it produced and its message to `warnings`; other errors are thrown.
    public func run(target: GenerationTarget, seed: UInt64) throws -> (candidates: [Candidate], warnings: [String]) {
        var candidates: [Candidate] = []
        var warnings: [String] = []
        for (k, stage) in stages.enumerated() {
            var mixer = SeededGenerator(seed: seed ^ (UInt64(k) &* 0x9E37_79B9_7F4A_7C15))
            do {
                candidates += try stage.generator.generate(target: target, budget: stage.budget, seed: mixer.next())
            } catch GenerationError.limitReached(let message, let partial) {
                candidates += partial
                warnings.append(message)
            }
        }
        return (candidates, warnings)
    }
}
