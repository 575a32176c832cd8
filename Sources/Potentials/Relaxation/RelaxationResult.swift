import Crystal

/// How a relaxation ended. Only `converged` means the thresholds were met.
public enum RelaxationOutcome: Equatable, Sendable, CustomStringConvertible {
    /// Every generalized force row (atoms and cell) fell below `fmax`.
    case converged
    /// The step limit was reached first.
    case notConverged
    /// The run was stopped because the state became unphysical (reason given); the result
    /// holds the last good structure.
    case failed(String)

    /// `converged`, `not_converged` or `failed`.
    public var label: String {
        switch self {
        case .converged: return "converged"
        case .notConverged: return "not_converged"
        case .failed: return "failed"
        }
    }

    public var description: String {
        if case .failed(let why) = self { return "failed: \(why)" }
        return label
    }
}

/// One evaluated state of a relaxation (a trajectory frame).
public struct RelaxationFrame: Sendable {
    /// Optimizer steps taken before this state (0 = the start).
    public var step: Int
    public var structure: Structure
    /// Energy (eV), forces (eV/Å) and stress (GPa) from the calculator.
    public var result: CalculationResult
    /// Largest row norm of the generalized forces (eV/Å), the convergence measure.
    public var fmax: Double
}

/// What a relaxation produced.
public struct RelaxationResult: Sendable {
    public var outcome: RelaxationOutcome
    /// The starting state and the last good state (the final one unless the run failed).
    public var initial: RelaxationFrame
    public var final: RelaxationFrame
    /// Optimizer steps taken (FIRE iterations, ASE's `nsteps`).
    public var steps: Int
    /// Calculator calls made.
    public var calculatorCalls: Int
    /// Energy per atom (eV/atom) of every evaluated state, in order.
    public var energyPerAtomTrajectory: [Double]

    public var converged: Bool { outcome == .converged }
    public var initialEnergyPerAtom: Double { initial.result.energy / Double(initial.structure.count) }
    public var finalEnergyPerAtom: Double { final.result.energy / Double(final.structure.count) }
}
