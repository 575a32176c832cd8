import ArgumentParser

@main
struct Kiln: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "Inverse design of stable inorganic crystals.",
        subcommands: [])
}
