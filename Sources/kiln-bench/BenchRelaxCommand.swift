import ArgumentParser
import Crystal
import CrystalIO
import Foundation
import KilnCommands
import KilnSupport
import Potentials

/// `kiln-bench relax`: times CHGNet relaxations of the chgnet_relax fixture cases, the Swift side
/// of Benchmarks/relax_python.py (same cases, FIRE, Fréchet cell filter, fmax and step limit).
struct BenchRelaxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relax",
        abstract: "Time CHGNet relaxations of the fixture cases (compare with Benchmarks/relax_python.py).",
        discussion: """
            Prints a JSON line describing the machine, then one JSON line per relaxation (id, n_sites, steps, converged, final energy per \
            atom, wall seconds, difference from the fixture's final energy) and a last line with \
            the total wall time. --workers 2 relaxes two structures at a time; --workers 1 one at \
            a time (CHGNet itself then spreads each call over the cores).
            """)

    @Option(help: "The fixture file (chgnet_relax.json or .json.gz).")
    var fixture = "Tests/Fixtures/chgnet_relax.json.gz"

    @Option(parsing: .upToNextOption, help: "Only these case ids.")
    var ids: [String] = []

    @OptionGroup var relaxation: RelaxationOptions

    @OptionGroup var kernels: RowKernelOption

    @Option(help: "Structures relaxed at once (at most one per core runs at a time).")
    var workers: Int = 1

    @Option(help: "Relax each case this many times and report the fastest.")
    var `repeat`: Int = 1

    func validate() throws {
        try RelaxationOptions.validate(workers: workers)
        try Timing.validate(repeats: `repeat`, option: "--repeat")
    }

    func run() throws {
        try kernels.apply()
        let machine = try JSONSerialization.data(withJSONObject: ["machine": Machine.current.dictionary], options: [.sortedKeys])
        print(String(decoding: machine, as: UTF8.self))
        let cases = try loadCases()
        let relaxer = relaxation.relaxer(try relaxation.potential.load())
        _ = try relaxer.relax(cases[0].start)  // warm-up: first-touch costs out of the timings

        let t0 = Date()
        let rows = WorkQueue.map(cases.count, workers: workers) { k -> [String: Any] in
            let c = cases[k]
            var best: (RelaxationResult, Double, Double)? = nil
            var failure: String? = nil
            for _ in 0..<`repeat` {
                let start = Date(), cpu0 = Timing.cpuSeconds()
                do {
                    let r = try relaxer.relax(c.start)
                    let wall = Date().timeIntervalSince(start), cpu = Timing.cpuSeconds() - cpu0
                    if best == nil || wall < best!.1 { best = (r, wall, cpu) }
                } catch { failure = "\(error)" }
            }
            var row: [String: Any] = ["id": c.id, "n_sites": c.start.count]
            if let (r, wall, cpu) = best {
                row["steps"] = r.steps
                row["converged"] = r.converged
                row["outcome"] = r.outcome.label
                row["final_energy_per_atom"] = r.finalEnergyPerAtom
                row["wall_s"] = wall
                if workers == 1 { row["cpu_s"] = cpu }  // process-wide, so only meaningful alone
                row["ms_per_step"] = 1000 * wall / Double(max(r.calculatorCalls, 1))
                row["delta_energy_meV_per_atom"] = 1000 * (r.finalEnergyPerAtom - c.referenceEnergy)
            } else {
                row["error"] = failure ?? "no result"
            }
            return row
        }
        let total = Date().timeIntervalSince(t0)
        for row in rows {
            let data = try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
        print(String(format: "{\"total_wall_s\": %.3f, \"workers\": %d, \"cases\": %d}", total, workers, cases.count))
    }

    private struct Case { var id: String; var start: Structure; var referenceEnergy: Double }

    /// chgnet_relax.json: start structures and pymatgen's final energies.
    private struct Fixture: Decodable {
        struct Result: Decodable {
            var id: String
            var start_structure: StructureCoding
            var final_energy_per_atom: Double
        }
        var results: [Result]
    }

    private func loadCases() throws -> [Case] {
        let results = try BenchInputs.decode(Fixture.self, from: fixture).results.filter { ids.isEmpty || ids.contains($0.id) }
        guard !results.isEmpty else { throw CommandError("no cases selected from \(fixture)") }
        return try results.map { r in
            Case(id: r.id, start: try CommandError.naming("\(fixture): result \(r.id)") { try r.start_structure.structure() },
                 referenceEnergy: r.final_energy_per_atom)
        }
    }
}
