import ArgumentParser
import Potentials

/// The relaxation settings of `kiln relax`, `kiln evaluate --relax` and `kiln-bench relax`.
public struct RelaxationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Convergence threshold on atomic and cell forces (eV/Å).")
    public var fmax: Double = 0.05

    @Option(help: "Maximum optimizer steps per structure.")
    public var steps: Int = 500

    @Option(help: "Optimizer: fire, bfgs or lbfgs.")
    public var optimizer: Optimizer = .fire

    @Option(help: "Cell degrees of freedom: full, fixed, fixed-volume or hydrostatic.")
    public var cell: CellRelaxation = .full

    @OptionGroup public var potential: ModelOptions

    public init() {}

    public enum Optimizer: String, ExpressibleByArgument, CaseIterable, Sendable {
        case fire, bfgs, lbfgs

        public var kind: MinimizerKind {
            switch self {
            case .fire: return .fire()
            case .bfgs: return .bfgs()
            case .lbfgs: return .lbfgs()
            }
        }
    }

    public func validate() throws {
        guard fmax.isFinite, fmax > 0 else { throw ValidationError("--fmax must be a positive number (eV/Å)") }
        guard steps >= 0 else { throw ValidationError("--steps must be 0 or more") }
    }

    /// A relaxer with these settings around `potential` (the chosen model, `self.potential.load()`).
    public func relaxer(_ potential: LoadedPotential) -> Relaxer {
        var relaxer = Relaxer(calculator: potential.calculator)
        relaxer.fmax = fmax
        relaxer.maxSteps = steps
        relaxer.minimizer = optimizer.kind
        relaxer.cell = cell
        return relaxer
    }

    /// The settings in words, e.g. "chgnet, FIRE, fmax 0.05 eV/Å, ≤ 500 steps".
    public var summary: String {
        potential.summary + ", \(optimizer.kind.name), fmax \(fmax) eV/Å, ≤ \(steps) steps"
            + (cell == .full ? "" : ", cell \(cell.rawValue)")
    }

    /// Checks `--workers` of the commands that relax several structures at once.
    public static func validate(workers: Int) throws {
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be between 1 and 64") }
    }
}

extension CellRelaxation: ExpressibleByArgument {}
