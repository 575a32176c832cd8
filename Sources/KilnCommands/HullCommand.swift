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

    enum Reference: String, ExpressibleByArgument { case mp, none }
    enum Corrections: String, ExpressibleByArgument { case none, mp2020 }

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
    var corrections: Corrections = .none

    @Option(help: "Reference phases: mp (bundled Materials Project formation energies) or none.")
    var reference: Reference = .mp

    @Option(help: "Write an SVG hull diagram (binary or ternary systems) to this path.")
    var plot: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard (file == nil) != (formula == nil) else {
            throw ValidationError("give either an entries file or --formula")
        }
        if formula != nil {
            let n = [formationEnergy, energy, energyPerAtom].compactMap { $0 }.count
            guard n == 1 else {
                throw ValidationError("--formula needs exactly one of --formation-energy, --energy, --energy-per-atom")
            }
            guard reference == .mp else {
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
        let compat = corrections == .mp2020 ? try MP2020Compatibility.bundled() : nil
        let allFormation = recs.allSatisfy { if case .formationPerAtom = $0.energy { return true } else { return false } }
        let scale: EnergyScale = reference == .mp || allFormation ? .formation : .raw
        let refs = scale == .formation ? try MPElementalReferences.bundled() : nil
        var user = try recs.map { try $0.entry(on: scale, corrections: compat, references: refs) }
        let meta: [String: Any]
        let pd: PhaseDiagram
        let results: [HullResult]
        switch reference {
        case .mp:
            meta = try MPReference.metadata()
            let base = try MPReference.entries()
            if formula != nil {
                pd = try PhaseDiagram(entries: base)
                results = [try pd.analyze(user[0])]
            } else {
                pd = try PhaseDiagram(entries: base + user)
                results = user.indices.map { pd.analyze(index: base.count + $0) }
            }
        case .none:
            meta = ["name": "none", "description": "the input entries alone"]
            if scale == .formation {
                // Formation energies imply elemental references at 0 eV/atom.
                let have = Set(user.filter { $0.composition.elements.count == 1 }.map { $0.composition.elements[0] })
                let needed = Set(user.flatMap(\.composition.elements)).subtracting(have)
                for el in needed.sorted() {
                    user.append(try ThermoEntry(composition: Composition([(el, 1.0)]), energy: 0, id: "ref:\(el.symbol)",
                                                attributes: ["source": "implied elemental reference"]))
                }
            }
            pd = try PhaseDiagram(entries: user)
            results = recs.indices.map { pd.analyze(index: $0) }
        }
        if let path = plot {
            let els = Array(Set(recs.flatMap(\.composition.elements)))
            let svg = try HullPlot.svg(pd, elements: els, highlight: results)
            do { try svg.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                throw CommandError("\(path): cannot write plot")
            }
        }
        let scaleName = scale == .raw ? "raw total energies, references from the input"
            : reference == .mp ? "formation energy per atom, elements at 0 (MP scale)"
            : "formation energy per atom, elements at 0 (as given)"
        return HullReport(reference: meta, scale: scaleName,
                          corrections: corrections.rawValue, results: results, compat: compat)
    }
}
