import ArgumentParser
import Potentials

/// `--engine fused|tensor` for the commands that run CHGNet.
public struct CHGNetOptions: ParsableArguments {
    @Option(help: "CHGNet engine: fused (fast kernels, default) or tensor (Tensor ops, forces and stress by autodiff).")
    public var engine: CHGNet.Engine = .fused

    public init() {}

    /// The model with the chosen engine.
    public func model() throws -> CHGNet { try Self.model(engine: engine) }

    /// CHGNet 0.3.0; a failure to load it is a run-time error.
    public static func model(engine: CHGNet.Engine = .fused) throws -> CHGNet {
        do { return try CHGNet(engine: engine) } catch { throw CommandError("cannot load CHGNet: \(describe(error))") }
    }
}

extension CHGNet.Engine: ExpressibleByArgument {}
