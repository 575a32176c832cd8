/// A minimizer over generalized coordinates, stepped by the relaxer (ASE's `Optimizer.step`).
public protocol Minimizer {
    /// Moves `x` given the generalized forces (−gradient) at `x`.
    mutating func step(_ x: inout [Double], forces: [Double])
}

/// The minimizers a relaxation can use, with ASE's parameters and defaults.
public enum MinimizerKind: Sendable, Equatable {
    case fire(FIRE.Parameters = .init())
    /// BFGS with a dense Hessian: `maxstep` (Å) and initial curvature `alpha` (eV/Å²).
    case bfgs(maxstep: Double = 0.2, alpha: Double = 70)
    /// Limited-memory BFGS without line search.
    case lbfgs(maxstep: Double = 0.2, memory: Int = 100, damping: Double = 1, alpha: Double = 70)

    /// Short name (FIRE, BFGS, LBFGS).
    public var name: String {
        switch self {
        case .fire: return "FIRE"
        case .bfgs: return "BFGS"
        case .lbfgs: return "LBFGS"
        }
    }

    /// A fresh minimizer of this kind for `dimension` coordinates.
    public func make(dimension: Int) -> any Minimizer {
        switch self {
        case .fire(let p): return FIRE(p)
        case .bfgs(let maxstep, let alpha): return BFGS(maxstep: maxstep, alpha: alpha, dimension: dimension)
        case .lbfgs(let maxstep, let memory, let damping, let alpha):
            return LBFGS(maxstep: maxstep, memory: memory, damping: damping, alpha: alpha)
        }
    }
}
