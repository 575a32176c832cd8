import ArgumentParser
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
            BenchmarkCommand.self,
        ])

    public init() {}
}
