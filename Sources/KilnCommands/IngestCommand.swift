import ArgumentParser
import Campaign
import Foundation

/// `kiln ingest OUTCOMES CAMPAIGN.toml`: lab and DFT outcomes from a file into a campaign's knowledge
/// store, then the campaign scored again with them.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Record lab and DFT outcomes of a campaign's candidates, then score the campaign again with them.",
        discussion: """
            OUTCOMES is a CSV with a header, or a JSON array of objects, with the fields \
            \(LabOutcome.fieldNames.joined(separator: ", ")): kind is synthesis (succeeded, phase_pure), \
            property (property, value, sigma) or dft (energy_per_atom: eV/atom, VASP GGA/GGA+U with \
            Materials Project's settings); author and method say who and how. Every outcome is checked \
            before any is stored, and all are stored in one transaction. A DFT energy then places the \
            candidate on the hull instead of the potential's (MP2020-corrected), a measured property \
            replaces the prediction in the targets, a failed synthesis ranks the candidate after every \
            other (docs/server.md). The campaign is resumed from its store, so only scoring is redone.
            """)

    @Argument(help: "Outcomes file (.csv or .json).")
    var outcomes: String

    @OptionGroup var options: CampaignRunArguments

    func run() throws {
        try CommandError.requireExisting(outcomes)
        let runner = try options.runner()
        guard KnowledgeStore.exists(runner.storePath) else {
            throw CommandError("no knowledge store at \(runner.storePath): run `kiln design \(options.campaign)` first")
        }
        let read: [LabOutcome]
        do { read = try LabOutcome.read(URL(fileURLWithPath: outcomes)) } catch { throw CommandError(describe(error)) }
        do { try KnowledgeStore(path: runner.storePath).record(read) } catch { throw CommandError("\(outcomes): \(describe(error))") }
        printError("kiln: recorded \(read.count) outcome(s); scoring the campaign again")
        try options.finish(runner)
    }
}
