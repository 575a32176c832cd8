import ArgumentParser
import Evaluation
import Foundation
import KilnSupport
import Potentials
import Thermo

/// `kiln benchmark accuracy`: a potential's formation energies and stability verdicts against MP's
/// on a fixed sample of the bundled MP structures, with the MP and the mlip hull reference.
struct AccuracyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accuracy",
        abstract: "Formation-energy MAE and stable/unstable F1 of a potential against MP, with the MP and the mlip hull reference.",
        discussion: """
            The sample is the first --sample bundled MP structures of at most 20 sites in the order of the SHA-256 of their \
            material ids. Every bundled MP structure of the sample's chemical systems (about 8,800 for the default sample) \
            is evaluated once with --model: a single point on the DFT-relaxed MP structure (the default), or a relaxation \
            of at most --relax-steps steps (FIRE, Fréchet cell filter, --fmax). Each result is kept in OUT as it finishes, \
            so an interrupted run resumes and a rerun computes nothing. Each sampled material is judged leave-one-out as a \
            new candidate: on the MP reference without its own row and the composition-only MP rows of its formula, and on \
            the mlip reference (the relaxed structures, the potential's own elemental references) without its own phase; \
            elements with no bundled pure-element structure borrow MP's elemental energy there, and the `mlip-own` row \
            scores only the materials without them. Stable means E_hull ≤ 0 or ≤ 0.1 eV/atom; MP's verdict is its E_hull \
            on the full MP reference. The `oracle` row puts MP's own energies through the same procedure (its ceiling). \
            These structures are in the potentials' training data: this measures consistency with MP, not discovery. \
            Writes OUT/accuracy.json (with one row per material).
            """)

    @Option(help: "Potential: \(PotentialModel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model = PotentialModel.chgnet.rawValue

    @Option(help: "Materials sampled (bundled MP structures of at most 20 sites).")
    var sample = 1000

    @Option(name: .customLong("relax-steps"), help: "Most optimiser steps per relaxation (0: single points on the MP structures).")
    var relaxSteps = 0

    @Option(parsing: .unconditional, help: "Convergence threshold on atomic and cell forces (eV/Å).")
    var fmax = 0.05

    @Option(help: "Output folder (relaxed energies and the report; reused to resume).")
    var out = "kiln-out/benchmark-accuracy"

    @Option(help: "Structures relaxed at once (at most one per core runs at a time).")
    var workers = 2

    @Flag(help: "Print the report as JSON (with every row).")
    var json = false

    func validate() throws {
        _ = try potential()
        guard sample >= 1 else { throw ValidationError("--sample must be at least 1") }
        guard relaxSteps >= 0 else { throw ValidationError("--relax-steps must be 0 or more") }
        guard fmax.isFinite, fmax > 0 else { throw ValidationError("--fmax must be a positive number (eV/Å)") }
        try RelaxationOptions.validate(workers: workers)
    }

    private func potential() throws -> PotentialModel {
        guard let m = PotentialModel(rawValue: model) else {
            throw ValidationError("--model \(model): not one of \(PotentialModel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return m
    }

    func run() throws {
        let potential = try potential()
        let indices: [Int]
        do { indices = try AccuracyBenchmark.sample(size: sample) } catch { throw ValidationError(describe(error)) }
        let calculator: any Calculator
        do { calculator = try potential.load() } catch { throw CommandError("cannot load \(model): \(describe(error))") }
        var relaxer = Relaxer(calculator: calculator)
        relaxer.fmax = fmax
        relaxer.maxSteps = relaxSteps
        var builder = MLIPReferenceBuilder(relaxer: relaxer)
        builder.workers = workers
        let folder = URL(fileURLWithPath: out)
        let report: AccuracyBenchmark.Report
        do {
            let cache = try MLIPReferenceFolder(folder: folder)
            let lock = try DirectoryLock(folder: folder)
            defer { lock.release() }
            let bar = ProgressBar()
            let started = Date()
            printError("kiln: accuracy of \(builder.key) on \(indices.count) MP structures; relaxing what \(out) lacks")
            report = try AccuracyBenchmark.run(
                sample: indices, model: potential.rawValue, builder: builder,
                corrections: potential.energiesIncludeMP2020Corrections ? .none : .mp2020, cache: cache) { done, total in
                bar.update(done: done, total: total, elapsed: Date().timeIntervalSince(started), detail: "reference structures relaxed")
                if done == total { bar.finish() }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(report).write(to: folder.appendingPathComponent("accuracy.json"), options: .atomic)
        } catch let error as ValidationError { throw error } catch {
            throw CommandError(describe(error))
        }
        if json {
            print(try jsonText(encoding: report))
            return
        }
        print(Self.table(report))
    }

    /// The report as a Markdown table and its provenance.
    static func table(_ r: AccuracyBenchmark.Report) -> String {
        let f = { (x: Double) in String(format: "%.3f", x) }
        var lines = ["\(r.model) (\(r.settings)): \(r.evaluated) of \(r.sampleSize) sampled MP structures (≤ \(r.maxSites) sites) evaluated; "
                     + "\(r.referenceStructures) reference structures relaxed; \(r.coverage); "
                     + "MP's elemental energies on the mlip reference for \(r.borrowedElementalReferences.joined(separator: ", ")) (no bundled structure), "
                     + "so mlip-own scores the \(r.evaluatedOwnElements) materials without them", ""]
        let thresholds = AccuracyBenchmark.thresholds
        lines.append("| hull reference | formation MAE (eV/atom) | " + thresholds.map { "F1 / precision / recall, E_hull ≤ \($0)" }.joined(separator: " | ") + " |")
        lines.append("|---|---|" + thresholds.map { _ in "---|" }.joined())
        for reference in ["mp", "mlip", "mlip-own", "oracle"] {
            let mae = (reference == "mp" ? r.formationMAEMP : reference == "mlip" ? r.formationMAEMLIP : nil).map(f) ?? "–"
            let cells = thresholds.map { t -> String in
                guard let c = r.classifications.first(where: { $0.reference == reference && $0.threshold == t }) else { return "–" }
                return "\(f(c.f1)) / \(f(c.precision)) / \(f(c.recall))"
            }
            lines.append("| \(reference) | \(mae) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
