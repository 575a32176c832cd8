import ArgumentParser
import Crystal
import Foundation
import Thermo

/// `kiln hull`: formation energy, energy above the convex hull, decomposition and stability, against
/// the bundled Materials Project reference (default) and/or the user's own entries.
struct HullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hull",
        abstract: "Energy above the convex hull, decomposition products and stability of entries.",
        discussion: """
            Examples:
              kiln hull --formula LiFeO2 --formation-energy -1.85
              kiln hull --formula Li2Fe2O4 --energy -53.1 --corrections mp2020
              kiln hull entries.csv --reference none --json --plot hull.svg

            Entry files are CSV (header with `formula` and one of `energy` (total eV for the \
            formula as written), `energy_per_atom`, `formation_energy_per_atom`; optional `id`) \
            or a JSON array of objects with the same keys. With --reference mp (default) total \
            energies are put on MP's formation-energy scale with MP's elemental reference \
            energies (after MP2020 corrections with --corrections mp2020) and the entries join \
            the bundled MP reference; with --reference none they form the diagram alone. \
            See docs/thermo.md.
            """)


    @Argument(help: "CSV or JSON file of entries.")
    var file: String?

    @Option(help: "Formula of a single compound to assess, e.g. LiFeO2.")
    var formula: String?

    @Option(name: .customLong("formation-energy"), parsing: .unconditional, help: "Formation energy per atom (eV/atom, MP scale) of --formula.")
    var formationEnergy: Double?

    @Option(parsing: .unconditional, help: "Total raw energy (eV) of --formula as written, e.g. from CHGNet.")
    var energy: Double?

    @Option(name: .customLong("energy-per-atom"), parsing: .unconditional, help: "Raw energy per atom (eV/atom) of --formula.")
    var energyPerAtom: Double?

    @Option(help: "Energy corrections for total energies: none or mp2020.")
    var corrections: HullService.Corrections = .none

    @Option(help: "Reference phases: mp (bundled Materials Project formation energies) or none.")
    var reference: HullService.Reference = .materialsProject

    @Option(help: "Write an SVG hull diagram (binary or ternary systems) to this path.")
    var plot: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard reference != .mlip else {
            throw ValidationError("--reference mlip needs a potential's relaxations: use kiln relax --reference mlip, or [hull] reference = \"mlip\" in a campaign")
        }
        guard (file == nil) != (formula == nil) else {
            throw ValidationError("give either an entries file or --formula")
        }
        if formula != nil {
            let n = [formationEnergy, energy, energyPerAtom].compactMap { $0 }.count
            guard n == 1 else {
                throw ValidationError("--formula needs exactly one of --formation-energy, --energy, --energy-per-atom")
            }
            guard reference == .materialsProject else {
                throw ValidationError("--reference none needs an entries file (one compound alone has no hull)")
            }
            if formationEnergy != nil && corrections != .none {
                throw ValidationError("--corrections applies to total energies, not to --formation-energy")
            }
            _ = try composition()
        } else if formationEnergy != nil || energy != nil || energyPerAtom != nil {
            throw ValidationError("--formation-energy, --energy and --energy-per-atom go with --formula")
        }
    }

    func run() throws {
        let report: HullReport
        do { report = try makeReport() } catch let error as CommandError { throw error } catch {
            throw CommandError(describe(error))
        }
        print(json ? report.json() : report.table(), terminator: "")
    }

    /// The composition of --formula.
    private func composition() throws -> Composition {
        let comp: Composition
        do { comp = try Composition(formula!) } catch { throw ValidationError("--formula \(formula!): \(describe(error))") }
        if let bad = comp.items.first(where: { $0.1 < 0 }) {
            throw ValidationError("--formula \(formula!): negative amount of \(bad.0.symbol)")
        }
        return comp
    }

    private func records() throws -> [EntryRecord] {
        if let path = file {
            try CommandError.requireExisting(path)
            return try EntryFile.read(URL(fileURLWithPath: path))
        }
        let comp = try composition()
        let e: EntryRecord.Energy = formationEnergy.map { .formationPerAtom($0) }
            ?? energy.map { .total($0) } ?? .perAtom(energyPerAtom!)
        return [EntryRecord(id: "query", composition: comp, energy: e, attributes: [:], location: "--formula")]
    }

    private func makeReport() throws -> HullReport {
        let recs = try records()
        guard !recs.isEmpty else { throw CommandError("\(file ?? "input"): no entries") }
        let service = try HullService(reference: reference, corrections: corrections)
        let (user, scale) = try service.entries(recs)
        let pd: PhaseDiagram
        let results: [HullResult]
        if formula != nil {
            pd = try service.referencePhaseDiagram()
            results = [try pd.analyze(user[0])]
        } else {
            (pd, results) = try service.join(user, scale: scale)
        }
        if let path = plot {
            let els = Array(Set(recs.flatMap(\.composition.elements)))
            let svg = try HullPlot.svg(pd, elements: els, marks: HullPlot.formulaMarks(results))
            do { try svg.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                throw CommandError("\(path): cannot write plot")
            }
        }
        var meta: [String: Any] = ["name": "none", "description": "the input entries alone"]
        if reference == .materialsProject {
            let m = try MPReference.metadata()
            meta = ["name": m.name, "description": m.description, "n_entries": m.entryCount, "license": m.license,
                    "citation": m.citation]
        }
        return HullReport(reference: meta, scale: service.scaleDescription(scale),
                          corrections: corrections.rawValue, results: results, compat: service.compatibility)
    }
}

extension HullService.Reference: ExpressibleByArgument {}
extension HullService.Corrections: ExpressibleByArgument {}
