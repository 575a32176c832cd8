import ArgumentParser
import Foundation
import KilnCluster
import KilnSupport

/// `kiln`: the root command; the executable's entry point runs it.
public struct KilnCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "Inverse design of stable inorganic crystals.",
        version: KilnVersion.number + (KilnVersion.commit.map { " (commit \($0))" } ?? ""),
        subcommands: [
            DesignCommand.self, InfoCommand.self, ConvertCommand.self, SymmetryCommand.self, HullCommand.self,
            EnergyCommand.self, RelaxCommand.self, MatchCommand.self, GroupCommand.self, EvaluateCommand.self,
            PredictCommand.self, TrainCommand.self, GenerateCommand.self, BenchmarkCommand.self, ServeCommand.self, IngestCommand.self, WorkerCommand.self, ExportCommand.self, PhononsCommand.self, MDCommand.self, RobustnessCommand.self, SynthesizabilityCommand.self, PrecursorsCommand.self,
        ])

    public init() {}

    /// Parses the process arguments and runs the command, like ArgumentParser's `main()`, except
    /// that an error a command lets through that is not Kiln's or ArgumentParser's own (a system
    /// or decoding error) is shown in plain words (`describe`), never as a raw NSError dump.
    public static func runMain() {
        PostgresStoreBackend.register()
        var command: ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        do { try command.run() } catch { exit(withError: presentable(error)) }
    }

    /// The error itself when ArgumentParser or Kiln made it, else a CommandError with its plain text.
    static func presentable(_ error: Error) -> Error {
        switch error {
        case is ExitCode, is CleanExit, is ValidationError, is CommandError: return error
        default:
            let domain = (error as NSError).domain
            let system = error is DecodingError || error is EncodingError || domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain
            return system ? CommandError(describe(error)) : error
        }
    }
}
