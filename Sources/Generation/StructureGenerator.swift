import Crystal

/// A source of candidate structures for a design target. Generators are value types, deterministic
/// from the seed, and interchangeable.
public protocol StructureGenerator: Sendable {
    /// Short name recorded in every candidate's provenance, e.g. "substitution".
    var name: String { get }
    /// Up to `budget` candidates for `target`; the same arguments always give the same candidates.
    /// Throws `GenerationError` for an unusable target or when a time/attempt limit stops it early.
    func generate(target: GenerationTarget, budget: Int, seed: UInt64) throws -> [Candidate]
}

/// A proposed structure with where it came from.
public struct Candidate: Sendable {
    public var structure: Structure
    public var provenance: Provenance

    public init(structure: Structure, provenance: Provenance) {
        self.structure = structure
        self.provenance = provenance
    }
}

/// How a candidate was made (Codable, e.g. for a campaign's knowledge store; ions are written as "Co3+").
public struct Provenance: Sendable, Hashable, Codable {
    /// One species replacement of a substitution: `from` in the parent, `to` in the candidate.
    public struct Replacement: Sendable, Hashable, Codable {
        public var from: Species
        public var to: Species

        public init(from: Species, to: Species) {
            self.from = from
            self.to = to
        }

        private enum CodingKeys: String, CodingKey { case from, to }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            func ion(_ key: CodingKeys) throws -> Species {
                let text = try c.decode(String.self, forKey: key)
                do { return try Species(text) } catch {
                    throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "unknown ion '\(text)'")
                }
            }
            self.init(from: try ion(.from), to: try ion(.to))
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(from.description, forKey: .from)
            try c.encode(to.description, forKey: .to)
        }
    }

    /// Name of the generator.
    public var generator: String
    /// Seed the generator was called with.
    public var seed: UInt64
    /// Id of the parent/prototype structure (e.g. "mp-22526" or an AFLOW label), if any.
    public var parentID: String?
    /// Species replacements applied to the parent (substitution generators), in parent-site order.
    public var substitutions: [Replacement]
    /// Hautier et al. conditional substitution probability of the replacements (substitution only).
    public var probability: Double?
    /// Space-group number the structure was built in (random symmetric generator).
    public var spaceGroup: Int?
    /// Wyckoff positions occupied, e.g. ["Li 4a", "O 8c"] (random symmetric generator).
    public var wyckoffPositions: [String]
    /// Search operator that made it (e.g. "heredity", "strain", "swarm"), for search strategies.
    public var operation: String?
    /// Ids of the evaluated candidates it was made from (search strategies).
    public var parents: [String]
    /// The strategy's own coordinates of the candidate (e.g. a particle's position and velocity),
    /// stored with it so the strategy can be rebuilt from the campaign's history.
    public var genome: [Double]

    public init(generator: String, seed: UInt64, parentID: String? = nil, substitutions: [Replacement] = [],
                probability: Double? = nil, spaceGroup: Int? = nil, wyckoffPositions: [String] = [],
                operation: String? = nil, parents: [String] = [], genome: [Double] = []) {
        self.generator = generator
        self.seed = seed
        self.parentID = parentID
        self.substitutions = substitutions
        self.probability = probability
        self.spaceGroup = spaceGroup
        self.wyckoffPositions = wyckoffPositions
        self.operation = operation
        self.parents = parents
        self.genome = genome
    }
}

/// Errors of the generators; each message says what to change.
public enum GenerationError: Error, CustomStringConvertible {
    /// The target cannot be generated for (unknown element, no systems left, bad limits).
    case invalidTarget(String)
    /// A time or attempt limit stopped the generator before it reached its budget;
    /// `partial` holds what it produced until then.
    case limitReached(String, partial: [Candidate])
    /// A bundled data file is missing or corrupt.
    case corruptResource(String)

    public var description: String {
        switch self {
        case .invalidTarget(let m): return "invalid generation target: \(m)"
        case .limitReached(let m, let partial): return "\(m) (\(partial.count) candidates produced before the limit)"
        case .corruptResource(let m): return "bundled generation data: \(m)"
        }
    }
}
