import ArgumentParser
import Tensor

/// `kiln-bench …`: timings of Kiln's kernels on the fixture inputs (release builds).
@main
struct KilnBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln-bench",
        abstract: "Time Kiln on the reference inputs (compare with the Python stack via Benchmarks/).",
        subcommands: [
            BenchIOCommand.self, BenchSymmetryCommand.self, BenchHullCommand.self, BenchMatchCommand.self,
            BenchTensorCommand.self, BenchCHGNetCommand.self, BenchRelaxCommand.self, BenchNoveltyCommand.self,
            BenchFingerprintCommand.self, BenchSevenNetCommand.self, BenchDiffusionCommand.self,
        ])

    /// Restarts on OpenBLAS's fast kernel when it misdetects the CPU, then runs the command.
    static func main() {
        BLASRuntime.ensureFastKernel()
        ProcessSettings.applyForInference()
        main(nil)
    }
}
