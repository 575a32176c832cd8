import Generation

/// Settings of `EvolutionarySearch`: operator rates, selection and the bounds on its work.
///
/// The rates are relative weights (they need not sum to 1): each child's operator is drawn with
/// probability rate / (sum of the rates of the operators the target allows). The defaults are
/// USPEX's (fracGene 0.5, fracRand 0.2, fracPerm, fracAtomsMut and fracLatMut 0.1; USPEX manual
/// §4.4) plus transmutation, which changes the composition, so a fixed-composition target
/// (`GenerationTarget.formulas`) ignores its rate. A campaign's `[[generators]] kind =
/// "evolutionary"` table names the parameters in snake case (`population_size`, …), as do the
/// validation errors.
public struct EvolutionParameters: Sendable, Hashable {
    /// The variation operators; the raw value is the name recorded in `Provenance.operation`.
    enum Operator: String, CaseIterable, Sendable {
        case heredity, strain, permutation, perturbation, transmutation, injection
    }

    /// Rate of heredity (cut-and-splice of two parents of one system and cell size).
    public var heredity = 0.5
    /// Rate of lattice strain.
    public var strain = 0.1
    /// Rate of permutation (swap of the species of two sites of different elements).
    public var permutation = 0.1
    /// Rate of coordinate perturbation.
    public var perturbation = 0.1
    /// Rate of transmutation (one atom changed to another element of its system; variable composition only).
    public var transmutation = 0.1
    /// Rate of symmetric random injection (a new `RandomSymmetricGenerator` structure).
    public var injection = 0.2
    /// Parents are drawn from the best `populationSize` distinct relaxed structures told so far.
    public var populationSize = 20
    /// Entrants of each parent's tournament (the fittest entrant is the parent).
    public var tournamentSize = 3
    /// Structures of the first generation taken from `SubstitutionGenerator`'s ranked list (the
    /// rest are random symmetric).
    public var substitutionSeeds = 0
    /// Operator applications tried per child of a batch before the rest is filled by injection.
    public var attemptsPerChild = 10
    /// Standard deviation of the strain components (dimensionless; `Variation.strainSigma`).
    public var strainSigma = 0.1
    /// Largest displacement of a perturbation (Å; `Variation.displacement`).
    public var displacement = 0.5

    public init() {}

    /// The rate of an operator.
    func rate(_ op: Operator) -> Double {
        switch op {
        case .heredity: return heredity
        case .strain: return strain
        case .permutation: return permutation
        case .perturbation: return perturbation
        case .transmutation: return transmutation
        case .injection: return injection
        }
    }

    /// Throws `GenerationError.invalidTarget` naming the first unusable parameter by its campaign
    /// key (e.g. "evolutionary.heredity must be finite and ≥ 0, got -1.0").
    public func validate() throws {
        func fail(_ key: String, _ rule: String, _ value: Any) -> GenerationError {
            .invalidTarget("evolutionary.\(key) must be \(rule), got \(value)")
        }
        for op in Operator.allCases where !rate(op).isFinite || rate(op) < 0 {
            throw fail(op.rawValue, "finite and ≥ 0", rate(op))
        }
        guard Operator.allCases.contains(where: { rate($0) > 0 }) else {
            throw GenerationError.invalidTarget("evolutionary: at least one operator rate ("
                + Operator.allCases.map(\.rawValue).joined(separator: ", ") + ") must be > 0")
        }
        if populationSize < 1 { throw fail("population_size", "≥ 1", populationSize) }
        if tournamentSize < 1 { throw fail("tournament_size", "≥ 1", tournamentSize) }
        if substitutionSeeds < 0 { throw fail("substitution_seeds", "≥ 0", substitutionSeeds) }
        if attemptsPerChild < 1 { throw fail("attempts_per_child", "≥ 1", attemptsPerChild) }
        if !strainSigma.isFinite || strainSigma < 0 { throw fail("strain_sigma", "finite and ≥ 0", strainSigma) }
        if !displacement.isFinite || displacement < 0 { throw fail("displacement", "finite and ≥ 0", displacement) }
    }
}
