import ArgumentParser
import Tensor

@main
struct Kiln: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "Inverse design of stable inorganic crystals.",
        subcommands: [
            DesignCommand.self, InfoCommand.self, ConvertCommand.self, SymmetryCommand.self, HullCommand.self,
            EnergyCommand.self, RelaxCommand.self, MatchCommand.self, GroupCommand.self, EvaluateCommand.self,
            BenchmarkCommand.self, BenchCommand.self,
        ])

    /// Restarts on OpenBLAS's fast kernel when it misdetects the CPU, then runs the command.
    static func main() {
        BLASRuntime.ensureFastKernel()
        ProcessSettings.applyForInference()
        main(nil)
    }
}

/// `kiln bench …`: timings of Kiln's kernels on the fixture inputs (release builds).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time Kiln on the reference inputs (compare with the Python stack via Benchmarks/).",
        subcommands: [
            BenchIOCommand.self, BenchSymmetryCommand.self, BenchHullCommand.self, BenchMatchCommand.self,
            BenchTensorCommand.self, BenchCHGNetCommand.self, BenchRelaxCommand.self, BenchNoveltyCommand.self,
            BenchFingerprintCommand.self,
        ])
}
