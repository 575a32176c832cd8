import ArgumentParser
import Diffusion
import Evaluation
import Foundation
import KilnSupport
import Thermo

/// `kiln evaluate GENERATED`: the generative-model scorecard (validity, uniqueness, novelty,
/// CDVAE distribution and CSP metrics, and with --relax stability and SUN rates from a universal potential).
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score a set of generated structures (validity, uniqueness, novelty, stability, CDVAE metrics).",
        discussion: """
            GENERATED, --reference, --train and --ground-truth each take a directory of structure \
            files, a multi-structure file (.cif, .extxyz, .json, …, optionally .gz), a CDVAE-style \
            CSV (optionally .gz) with a 'cif' column, or a bundled split (\(DiffusionDataset.bundledNames.joined(separator: ", ")), \
            mp20_train, mp20_val, mp20_test; docs/diffusion.md). --reference defaults to the built-in Materials \
            Project structures ('mp'); 'none' skips novelty. Metrics whose inputs are missing are \
            reported as skipped with the reason. Unreadable files in a folder are reported on stderr \
            and listed as skipped in the scorecard, and the rest is scored; only a set with no \
            readable file fails (--ground-truth pairs by position, so there nothing is skipped). With --out, writes scorecard.json, scorecard.md and \
            structures.csv there; otherwise prints the markdown scorecard. Definitions: docs/metrics.md.
            """)

    @Argument(help: "Generated structures (directory, structure file or CDVAE CSV).")
    var generated: String

    @Option(help: "Novelty references: 'mp' (built-in Materials Project structures), 'none', or a structure set.")
    var reference: String = "mp"

    @Option(help: "Training (or test) set for the CDVAE distribution metrics.")
    var train: String?

    @Option(name: .customLong("cov-cutoffs"),
            help: "CDVAE COV cutoffs: 'mp20' (0.4, 10), 'perovskite' (0.2, 4), 'carbon' (0.2, 4), or 'STRUCTURE,COMPOSITION'.")
    var covCutoffs: String = "mp20"

    @Option(name: .customLong("ground-truth"), help: "Ground truth paired by position with GENERATED, for CSP match rate and RMSE.")
    var groundTruth: String?

    @Flag(help: "Relax with the potential (--model, FIRE) and report E_hull, stable and SUN rates and RMSD.")
    var relax = false

    @Option(name: .customLong("relax-limit"), help: "Relax only the first N structures.")
    var relaxLimit: Int?

    @OptionGroup(title: "Relaxation (with --relax)") var relaxation: RelaxationOptions

    @Option(name: .customLong("unique-by"),
            help: "Which member of a group of matching structures is unique: first (MatterGen's convention) or lowest_energy (campaigns').")
    var uniqueBy: VerdictRules.Representative = .first

    @Flag(name: .customLong("require-converged"), help: "Count only converged relaxations as stable (campaigns' rule).")
    var requireConverged = false

    @Option(help: "Output directory for scorecard.json, scorecard.md and structures.csv.")
    var out: String?

    @Option(help: "Title of the markdown scorecard.")
    var title: String = "Generative-model scorecard"

    @Flag(help: "Print the scorecard as JSON (scorecard.json) instead of markdown.")
    var json = false

    func validate() throws {
        _ = try coverageCutoffs()
        if let relaxLimit, relaxLimit < 1 { throw ValidationError("--relax-limit must be at least 1") }
        if relaxLimit != nil && !relax { throw ValidationError("--relax-limit needs --relax") }
    }

    /// The named CDVAE cutoffs or two numbers.
    func coverageCutoffs() throws -> (name: String, structure: Double, composition: Double) {
        if let c = Coverage.cutoffs[covCutoffs] { return (covCutoffs, c.structure, c.composition) }
        let parts = covCutoffs.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let s = parts[0], let c = parts[1], s >= 0, c >= 0 else {
            throw ValidationError("--cov-cutoffs: expected mp20, perovskite, carbon or two numbers 'STRUCTURE,COMPOSITION', got '\(covCutoffs)'")
        }
        return (covCutoffs, s, c)
    }

    func run() throws {
        let log: (String) -> Void = { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
        // A folder that cannot take the outputs is found before any work, not after the relaxations.
        if let out { try Self.requireWritable(URL(fileURLWithPath: out)) }
        var skipped: [SkippedFile] = []
        var input = EvaluationInputs(generated: try load(generated, "generated", skipped: &skipped))
        // --ground-truth pairs by position: a skipped generated file would shift every pair after it.
        if groundTruth != nil && !skipped.isEmpty {
            throw CommandError("\(generated): unreadable files were skipped, so the structures cannot be paired by position with --ground-truth; fix or remove them")
        }
        input.rules.representative = uniqueBy
        input.rules.requireConverged = requireConverged
        guard !input.generated.isEmpty else { throw CommandError("\(generated): no structures found") }
        input.labels["generated"] = generated
        input.labels["reference"] = reference

        switch reference.lowercased() {
        case "none":
            input.noveltySkipReason = "--reference none"
        case "mp":
            log("loading the built-in Materials Project structures")
            do {
                let formulas = Set(try MPReference.entries().map(\.composition.reducedFormula))
                input.novelty = try NoveltyChecker.materialsProject(knownFormulas: formulas)
            } catch { throw CommandError("cannot load the built-in MP references: \(describe(error))") }
        default:
            let refs = try load(reference, "reference", skipped: &skipped)
            input.novelty = NoveltyChecker(references: refs.map(\.structure), ids: refs.map(\.id))
        }
        if let train {
            input.train = try load(train, "train", skipped: &skipped)
            input.labels["train"] = train
            input.coverageCutoffs = try coverageCutoffs()
        }
        if let groundTruth {
            var none: [SkippedFile] = []
            input.groundTruth = try load(groundTruth, "ground truth", skipped: &none, skipping: false)
            input.labels["ground truth"] = groundTruth
        }
        if relax {
            do {
                // The MP2020 corrections are added for models trained on uncorrected energies.
                let potential = try relaxation.potential.load()
                let corrections = HullService.Corrections(potential)
                input.stability = StabilityEvaluation(relaxer: relaxation.relaxer(potential), hull: try HullService(corrections: corrections))
                input.relaxLimit = relaxLimit
                input.labels["relaxation"] = relaxation.summary + (corrections == .mp2020 ? ", MP2020 corrections added" : "")
                input.labels["model"] = potential.label
            } catch {
                input.stabilitySkipReason = "cannot load the potential or the MP hull: \(describe(error))"
                log("warning: \(input.stabilitySkipReason)")
            }
        }

        input.skipped = skipped
        let (card, records) = Evaluator.evaluate(input, log: log)
        let markdown = card.markdown(title: title)
        let printed = json ? String(decoding: try card.json(), as: UTF8.self) + "\n" : markdown
        guard let out else { print(printed, terminator: ""); return }
        let dir = URL(fileURLWithPath: out)
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try card.json().write(to: dir.appendingPathComponent("scorecard.json"))
            try Data(markdown.utf8).write(to: dir.appendingPathComponent("scorecard.md"))
            let csv = CSVWriter(spreadsheetSafe: true).document(header: StructureRecord.csvColumns, rows: records.map(\.csvFields))
            try Data(csv.utf8).write(to: dir.appendingPathComponent("structures.csv"))
        } catch { throw CommandError("cannot write to \(out): \(describe(error))") }
        print(printed, terminator: "")
        log("wrote \(out)/scorecard.json, scorecard.md, structures.csv")
    }

    /// Creates `dir` if needed and checks a file can be written in it.
    static func requireWritable(_ dir: URL) throws {
        let probe = dir.appendingPathComponent(".kiln-write-test-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try Data().write(to: probe)
            try FileManager.default.removeItem(at: probe)
        } catch {
            throw CommandError("cannot write to \(dir.path): \(describe(error))")
        }
    }

    /// The structures of a set; a folder's unreadable files are reported on stderr and added
    /// to `skipped` (unless `skipping` is false), and only a set with nothing readable fails.
    private func load(_ path: String, _ what: String, skipped: inout [SkippedFile], skipping: Bool = true) throws -> [NamedStructure] {
        if DiffusionDataset.bundledNames.contains(path) || DiffusionDataset.mpNames[path] != nil {
            return try CommandError.naming(path) { try DiffusionDataset.load(path).map { NamedStructure(id: $0.id, structure: try $0.structure()) } }
        }
        try CommandError.requireExisting(path)
        do {
            let set = try StructureSet.read(path, skippingUnreadable: skipping)
            for file in set.skipped { printError("kiln evaluate: skipped \(file.path): \(file.reason)") }
            skipped += set.skipped
            return set.structures
        } catch {
            throw CommandError("cannot read the \(what) set: \(describe(error))")
        }
    }
}

extension VerdictRules.Representative: ExpressibleByArgument {}
