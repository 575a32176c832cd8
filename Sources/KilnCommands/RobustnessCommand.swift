import ArgumentParser
import Dynamics
import Foundation
import KilnSupport

/// `kiln robustness FILE… [--temperature K] [--time ps] [--json]`: the thermal-robustness verdict
/// (anneal, quench, compare) of each structure with a universal potential.
struct RobustnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "robustness",
        abstract: "Thermal robustness: anneal with Langevin dynamics, quench, and say whether the crystal stayed, transformed, amorphised or melted.",
        discussion: """
            Each structure is relaxed (cell and ions, fmax 0.05 eV/Å), repeated to a supercell at least \
            --min-width Å wide, annealed (Langevin NVT, --friction 1/fs) at --temperature for --time ps \
            with --timestep fs steps, and the last snapshot relaxed again (the quench). Reported: the \
            mean-square displacement from the starting sites over the last quarter (centre of mass removed), the \
            Lindemann ratio (RMS excursion about each atom's mean position over the second half of the \
            anneal, over the mean nearest-neighbour distance), g(r) of the start, the hot crystal and \
            the quenched one, and whether the quenched structure matches the start (StructureMatcher). \
            Verdict: melted (Lindemann ratio > 0.1 and the atoms diffuse: the MSD over the last quarter \
            of the anneal over 1.5 times that over the second quarter), else robust (matches), else amorphised (the quenched \
            g(r) keeps under 0.3 of the start's long-range order ∫(g − 1)² dr beyond 1.5 neighbour \
            distances), else transformed. The exit status is 0 when every structure was assessed. \
            docs/md.md.
            """)

    @OptionGroup var inputs: StructureFiles
    @OptionGroup var potential: ModelOptions
    @Option(help: "Anneal temperature (K).")
    var temperature = 1000.0
    @Option(help: "Anneal time (ps).")
    var time = 2.0
    @Option(help: "Time step (fs).")
    var timestep = 2.0
    @Option(help: "Langevin friction (1/fs).")
    var friction = 0.02
    @Option(name: .customLong("min-width"), help: "Smallest perpendicular width of the annealed supercell (Å).")
    var minWidth = 8.0
    @Option(name: .customLong("max-atoms"), help: "Refuse supercells with more atoms.")
    var maxAtoms = 400
    @Option(help: "Random seed.")
    var seed: UInt64 = 0
    @Flag(help: "Print one JSON array with a record per structure (g(r) included).")
    var json = false

    func validate() throws {
        guard temperature > 0, time > 0, timestep > 0, timestep <= 10, friction > 0, minWidth > 0, maxAtoms >= 1 else {
            throw ValidationError("--temperature, --time, --friction, --min-width and --max-atoms must be positive, --timestep in (0, 10] fs")
        }
        guard time * 1000 / timestep >= 20 else { throw ValidationError("--time must be at least 20 time steps") }
    }

    func run() throws {
        let (entries, skipped) = try inputs.loadReadable(command: "robustness")
        let loaded = try potential.load()
        var assessor = ThermalRobustness(calculator: loaded.calculator)
        (assessor.temperature, assessor.time, assessor.timestep, assessor.friction) = (temperature, time, timestep, friction)
        (assessor.minimumWidth, assessor.maximumAtoms, assessor.seed) = (minWidth, maxAtoms, seed)
        var records: [[String: Any]] = []
        var failed = skipped > 0
        if !json { print("model: \(loaded.label); anneal \(temperature) K for \(time) ps") }
        for entry in entries {
            do {
                let bar = ProgressBar(), clock = Date()
                let r = try assessor.assess(entry.structure) { done, total in
                    if done % 10 == 0 { bar.update(done: done, total: total, elapsed: Date().timeIntervalSince(clock), detail: entry.name) }
                }
                bar.finish()
                if json { records.append(Self.record(entry.name, r, model: loaded.label, seconds: Date().timeIntervalSince(clock))) } else {
                    print("\(entry.name): \(entry.structure.formula), \(r.start.count)-atom supercell, \(r.steps) steps, T \(String(format: "%.0f", r.meanTemperature)) K")
                    print("  " + r.summary)
                }
            } catch {
                FileHandle.standardError.write(Data("kiln robustness: \(entry.name): \(describe(error))\n".utf8))
                failed = true
            }
        }
        if json { print(try jsonText(records)) }
        if failed { throw ExitCode.failure }
    }

    static func record(_ name: String, _ r: ThermalRobustness.Result, model: String, seconds: Double) -> [String: Any] {
        [
            "file": name, "formula": r.start.formula, "model": model, "verdict": r.verdict.rawValue, "supercell_atoms": r.start.count,
            "steps": r.steps, "temperature_mean_K": r.meanTemperature, "msd_A2": r.msd, "msd_growth": r.msdGrowth, "excursion_A2": r.excursion, "lindemann": r.lindemann,
            "nearest_neighbour_A": r.nearestNeighbour, "rdf_order_ratio": r.orderRatio, "same_structure_after_quench": r.matches,
            "energy_start_eV_per_atom": r.startEnergy, "energy_quenched_eV_per_atom": r.quenchedEnergy, "seconds": seconds,
            "rdf": ["r_A": r.rdfStart.r, "start": r.rdfStart.g, "hot": r.rdfHot.g, "quenched": r.rdfQuenched.g],
        ]
    }
}
