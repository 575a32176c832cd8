import ArgumentParser
import Symmetry

/// `--symprec`, shared by every command that reports space groups, with one default and one check.
public struct SymmetryOptions: ParsableArguments {
    @Option(parsing: .unconditional,
            help: "Symmetry tolerance in Å (default: Kiln's one policy for reported space groups; docs/symmetry.md).")
    public var symprec: Double = SymmetryTolerance.symprec

    public init() {}

    public func validate() throws {
        guard symprec.isFinite, symprec > 0 else { throw ValidationError("--symprec must be a positive number of Å") }
    }
}
