import ArgumentParser
import Crystal
import CrystalIO
import Evaluation
import Foundation
import KilnSupport
import Potentials
import Symmetry
import Thermo

/// `kiln relax FILES|DIR --out DIR`: relaxes many structures with a universal potential, resumably.
struct RelaxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relax",
        abstract: "Relax structures with a universal potential (--model; FIRE + Fréchet cell filter) and summarize them; rerun to resume.",
        discussion: """
            Inputs are structure files (.cif, POSCAR/CONTCAR/.vasp, .xyz/.extxyz, .json, each \
            optionally .gz) or directories searched recursively for them. Each structure gets the id \
            of its file (path relative to the directory given, without extension; #k for the k-th \
            structure of a file holding several). The output directory receives <id>.cif per relaxed \
            structure, journal.jsonl (one line per finished structure, fsynced), summary.csv, \
            summary.json and settings.json. Rerunning the same command after Ctrl-C or kill -9 \
            skips finished structures (resuming with other settings is refused); a structure whose \
            input file changed since it was journalled is relaxed again (the journal keeps a \
            fingerprint of each file). Outcomes: converged, not_converged (step limit), failed (NaN, exploding \
            energy, collapsing atoms or cell; the last good structure is kept), error (unreadable \
            input or refused by the potential). Every record names the model and its version \
            ("model"); E_hull adds the MP2020 corrections to models trained on uncorrected energies. \
            With --committee, each other model's single point on the final structure is placed on the same \
            hull (its own MP2020 treatment); each model's E_hull and their spread (max − min) are recorded \
            and printed. E_hull is measured on the bundled MP reference, or with --reference mlip on the \
            bundled MP structures of the inputs' chemical systems relaxed with the same potential, optimizer, fmax and \
            step limit (full cell, no pressure), their own elements as references; those relaxations are kept in \
            --reference-cache and reused by later runs (docs/thermo.md).
            """)

    @OptionGroup var inputs: StructureFiles

    @Option(help: "Output directory (created if needed; reused to resume).")
    var out: String

    @OptionGroup var relaxation: RelaxationOptions

    @Option(parsing: .unconditional, help: "Hydrostatic pressure (GPa).")
    var pressure: Double = 0

    @Flag(name: .customLong("keep-symmetry"), help: "Keep each starting space group (symmetrize forces and stress).")
    var keepSymmetry = false

    @OptionGroup var symmetry: SymmetryOptions

    @Flag(help: "Also write an extended XYZ trajectory <id>.extxyz per structure.")
    var trajectory = false

    @Option(help: "Structures relaxed at once (at most one per core runs at a time).")
    var workers: Int = 2

    @Flag(name: .customLong("no-hull"), help: "Skip the energy above the hull.")
    var noHull = false

    @OptionGroup var committee: CommitteeOptions
    @Option(help: "Hull reference for E_hull: mp (bundled MP formation energies) or mlip (bundled MP structures relaxed with the same potential).")
    var reference: HullService.Reference = .materialsProject

    @Option(name: .customLong("reference-cache"), help: "Folder keeping the mlip reference's relaxations between runs.")
    var referenceCache = "kiln-out/mlip-reference"

    @Flag(help: "Print the summary records (summary.json) instead of the one-line summary.")
    var json = false

    func validate() throws {
        guard pressure.isFinite else { throw ValidationError("--pressure must be a number (GPa)") }
        if try !committee.models(main: relaxation.potential.model).isEmpty && noHull {
            throw ValidationError("--committee compares E_hull, so it cannot go with --no-hull")
        }
        guard reference != .none else { throw ValidationError("--reference must be mp or mlip (--no-hull skips E_hull)") }
        if noHull && reference == .mlip { throw ValidationError("--reference mlip measures E_hull, which --no-hull skips") }
        if try !committee.models(main: relaxation.potential.model).isEmpty && reference == .mlip {
            throw ValidationError("--committee judges every model on the MP reference; it cannot go with --reference mlip")
        }
        try RelaxationOptions.validate(workers: workers)
    }

    func run() throws {
        let items = try collectItems()
        let potential = try relaxation.potential.load()
        let plain = relaxation.relaxer(potential)
        var relaxer = plain
        relaxer.pressure = pressure
        relaxer.symmetryTolerance = keepSymmetry ? symmetry.symprec : nil
        var batch = BatchRelaxer(relaxer: relaxer, outputDirectory: URL(fileURLWithPath: out),
                                 structureFile: ("cif", { String(decoding: try StructureFile.data([$0], format: .cif), as: UTF8.self) }))
        batch.workers = workers
        batch.model = potential.label
        batch.trajectories = trajectory
        batch.changedInputs = { ids in
            printError("input changed since the last run, relaxing again: \(ids.joined(separator: ", "))")
        }
        let tolerance = symmetry.symprec
        batch.spaceGroup = { s in
            (try? SpacegroupAnalyzer(s, symprec: tolerance)).map { "\($0.spaceGroupSymbol) (\($0.spaceGroupNumber))" }
        }
        if !noHull {
            let hull: HullService
            do { hull = try self.hull(items, relaxer: plain, potential: potential) } catch { throw CommandError("cannot build the \(reference.rawValue) hull reference: \(describe(error))") }
            batch.energyAboveHull = { s, e in hull.energyAboveHull(s.composition, energy: e) }
            let members = try committee.models(main: relaxation.potential.model).map(ModelOptions.load)
            if !members.isEmpty {
                let hulls = try members.map { m in
                    m.mp2020Corrections == potential.mp2020Corrections ? hull : try HullService(corrections: .init(m))
                }
                batch.committee = { s in
                    Dictionary(uniqueKeysWithValues: zip(members, hulls).map { m, h in
                        (m.name, (try? m.calculator.calculate(s, properties: .energy)).flatMap { h.energyAboveHull(s.composition, energy: $0.energy) })
                    })
                }
            }
        }

        installInterruptMessage()
        let bar = ProgressBar()
        let records: [BatchRecord]
        do {
            records = try batch.run(items) { p in
                let resumed = p.resumed > 0 ? " (\(p.resumed) from before)" : ""
                bar.update(done: p.done, total: p.total, elapsed: p.elapsed, detail: "\(resumed) \(p.last.id): \(p.last.outcome)")
            }
        } catch {
            bar.finish()
            throw CommandError(describe(error))
        }
        bar.finish()
        let nothingRelaxed = !records.isEmpty && records.allSatisfy { $0.outcome == "failed" || $0.outcome == "error" }
        if json {
            print(try jsonText(encoding: records))
            if nothingRelaxed { throw ExitCode.failure }
            return
        }
        var counts: [String: Int] = [:]
        for r in records { counts[r.outcome, default: 0] += 1 }
        let summary = ["converged", "not_converged", "failed", "error"].compactMap { k in counts[k].map { "\($0) \(k)" } }
        print("\(records.count) structures: \(summary.joined(separator: ", ")); summary in \(out)/summary.csv")
        if committee.committee != nil { printCommittee(records, main: potential.name) }
        if nothingRelaxed {
            throw CommandError("no input could be relaxed; reasons in \(out)/summary.csv")
        }
    }

    /// Each relaxed structure's E_hull by every model and their spread.
    private func printCommittee(_ records: [BatchRecord], main: String) {
        func f(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
        let names = (try? committee.models(main: relaxation.potential.model).map(\.rawValue)) ?? []
        print("E_hull (eV/atom) by model:\n| id | " + ([main] + names).joined(separator: " | ") + " | spread |")
        print("|---|" + String(repeating: "---|", count: names.count + 2))
        for r in records where r.energyAboveHull != nil {
            print("| \(r.id) | \(f(r.energyAboveHull)) | " + names.map { f(r.committee?[$0]) }.joined(separator: " | ") + " | \(f(r.energyAboveHullSpread)) |")
        }
    }

    /// The hull of `--reference`. With mlip, the bundled MP structures of the inputs' chemical systems
    /// are relaxed with `relaxer`'s potential, optimizer, fmax and step limit (full cell, no pressure:
    /// ground states), reusing and filling `--reference-cache`.
    private func hull(_ items: [BatchItem], relaxer: Relaxer, potential: LoadedPotential) throws -> HullService {
        guard reference == .mlip else { return try HullService(corrections: .init(potential)) }
        let systems = Set(items.compactMap { try? $0.load().composition.elements.sorted { $0.z < $1.z } }).sorted { "\($0)" < "\($1)" }
        var reference = Relaxer(calculator: relaxer.calculator)
        (reference.minimizer, reference.fmax, reference.maxSteps) = (relaxer.minimizer, relaxer.fmax, relaxer.maxSteps)
        var builder = MLIPReferenceBuilder(relaxer: reference)
        builder.workers = workers
        let total = try MLIPReferenceBuilder.structures(systems: systems).count
        printError("mlip reference: \(total) bundled MP structures of the inputs' systems with \(builder.key), cached in \(referenceCache)")
        let bar = ProgressBar()
        let started = Date()
        let built = try builder.build(systems: systems, cache: MLIPReferenceFolder(folder: URL(fileURLWithPath: referenceCache))) { done, total in
            bar.update(done: done, total: total, elapsed: Date().timeIntervalSince(started), detail: "reference structures relaxed")
            if done == total { bar.finish() }
        }
        return try HullService(mlip: built, corrections: .init(potential))
    }

    /// One batch item per structure of every input file; unreadable files become items whose
    /// loading fails, so they are recorded as errors.
    /// The output folder itself is never an input: `--out` equal to an input folder is refused
    /// (the relaxed CIFs would replace the inputs), and files below `--out` inside an input folder
    /// (outputs of an earlier run) are left out.
    private func collectItems() throws -> [BatchItem] {
        let output = URL(fileURLWithPath: out).standardizedFileURL.path
        for path in inputs.files where URL(fileURLWithPath: path).standardizedFileURL.path == output {
            throw CommandError("\(path): --out is this input folder; choose another folder so the inputs are not overwritten")
        }
        let sources = try inputs.sources().filter { !URL(fileURLWithPath: $0.path).standardizedFileURL.path.hasPrefix(output + "/") }
        guard !sources.isEmpty else { throw CommandError("no structure files outside the output folder \(out)") }
        return sources.flatMap { source -> [BatchItem] in
            let hash = (try? Data(contentsOf: URL(fileURLWithPath: source.path))).map(ContentHash.fnv1a64)
            let structures: [StructureInput]
            do { structures = try source.read() } catch {
                return [BatchItem(id: source.id, source: source.path, inputHash: hash) { throw error }]
            }
            if structures.count == 1 {
                return [BatchItem(id: source.id, source: source.path, inputHash: hash) { structures[0].structure }]
            }
            return structures.enumerated().map { k, s in
                BatchItem(id: "\(source.id)#\(k + 1)", source: "\(source.path) #\(k + 1)", inputHash: hash) { s.structure }
            }
        }
    }

    /// Ctrl-C ends the run at once (finished structures are already safe); say how to resume.
    private func installInterruptMessage() {
        signal(SIGINT) { _ in
            let message = "\ninterrupted; finished structures are saved, rerun the same command to resume\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            _exit(130)
        }
    }
}
