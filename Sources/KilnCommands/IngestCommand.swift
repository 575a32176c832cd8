import ArgumentParser
import Campaign
import Foundation

/// `kiln ingest OUTCOMES CAMPAIGN.toml`: lab and DFT outcomes from a file into a campaign's knowledge
/// store, then the campaign scored again with them; `kiln ingest --dft RUNS CAMPAIGN.toml`: DFT
/// results read from the codes' outputs (`DFTOutcomes`).
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

            With --dft, OUTCOMES is DFT output instead: a run folder (vasprun.xml, else OUTCAR, or one \
            pw.x output; .gz too), an output file, or a folder of run folders such as `kiln export dft \
            --out` writes. Each run's folder name is its candidate's id (or ends with -ID, as the \
            campaign's structure files do). Stored per run: the energy, the final structure, forces and \
            the largest, the code (vasp or qe), the functional and U values; truncated or unconverged \
            runs are refused naming the file, and nothing is stored unless every run reads. A VASP run \
            with Materials Project's settings (GGA/GGA+U, MP's U values and POTCARs, as MP2020 checks \
            them) places the candidate on the MP hull with the MP2020 corrections; with other settings \
            it is stored without a hull, saying why. A pw.x energy is never compared with MP's: with \
            --references (pw.x runs of the competing phases and elements, computed with the same \
            functional, cut-offs and pseudopotentials — checked) it gets an E_hull on a QE-only hull of \
            its chemical system; without them it is stored with "no QE hull (references missing: …)" \
            (docs/dft.md).
            """)

    @Argument(help: "Outcomes file (.csv or .json); with --dft, a DFT run folder, output file, or folder of run folders.")
    var outcomes: String

    @OptionGroup var options: CampaignRunArguments

    @Flag(help: "OUTCOMES is DFT output (VASP or pw.x) rather than an outcomes file.")
    var dft = false

    @Option(help: "With --dft: a folder of pw.x runs of the reference phases (elements and competing compounds), for QE hulls.")
    var references: String?

    @Option(help: "With --dft: who recorded the results.")
    var author = Self.defaultAuthor
    static let defaultAuthor = "kiln ingest --dft"

    func validate() throws {
        if references != nil && !dft { throw ValidationError("--references needs --dft") }
        if author != Self.defaultAuthor && !dft { throw ValidationError("--author needs --dft (an outcomes file names its authors)") }
    }

    func run() throws {
        try CommandError.requireExisting(outcomes)
        let runner = try options.runner()
        guard KnowledgeStore.exists(runner.storePath) else {
            throw CommandError("no knowledge store at \(runner.storePath): run `kiln design \(options.campaign)` first")
        }
        let store = try KnowledgeStore(path: runner.storePath)
        let read: [LabOutcome]
        if dft {
            let ingested: [DFTOutcomes.Ingested]
            do {
                let refs = try references.map(DFTOutcomes.read) ?? []
                ingested = try DFTOutcomes.outcomes(try DFTOutcomes.read(outcomes), candidates: try store.all(), references: refs, author: author)
            } catch let e as CommandError { throw e } catch { throw CommandError(describe(error)) }
            for i in ingested { printError("kiln: " + i.report) }
            read = ingested.map(\.outcome)
        } else {
            do { read = try LabOutcome.read(URL(fileURLWithPath: outcomes)) } catch { throw CommandError(describe(error)) }
        }
        do { try store.record(read) } catch { throw CommandError("\(outcomes): \(describe(error))") }
        printError("kiln: recorded \(read.count) outcome(s); scoring the campaign again")
        try options.finish(runner)
    }
}
