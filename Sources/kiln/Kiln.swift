import KilnCommands
import Tensor

@main
enum Kiln {
    /// Restarts on OpenBLAS's fast kernel when it misdetects the CPU, then runs the command.
    static func main() {
        BLASRuntime.ensureFastKernel()
        ProcessSettings.applyForInference()
        KilnCommand.runMain()
    }
}
