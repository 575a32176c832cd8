import ArgumentParser
import Potentials

/// `--engine fused|tensor` for the CHGNet commands.
extension CHGNet.Engine: ExpressibleByArgument {}
