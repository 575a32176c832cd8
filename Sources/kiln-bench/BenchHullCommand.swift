import ArgumentParser
import Crystal
import Foundation
import KilnCommands
import Thermo

/// `kiln-bench hull`: times phase-diagram construction plus every query (formation energy, E_hull,
/// decomposition, phase separation for stable entries) on the hull fixtures, for comparison with
/// Benchmarks/hull_python.py (pymatgen). Reports the median of `--repeats` runs and peak memory.
struct BenchHullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hull",
        abstract: "Benchmark the Thermo hull on Tests/Fixtures/hull.json.gz and hull_mp_large.json.gz.")

    @OptionGroup var fixtures: BenchFixtures

    @Flag(help: "Skip the 132,752-entry MP case.")
    var skipLarge = false

    @Flag(help: "Also time the bundled MP reference: load, and build + E_hull of all its entries.")
    var reference = false

    private func load(_ name: String) throws -> [String: Any] { try BenchInputs.json(fixtures.path(name)) }

    func run() throws {
        Machine.printHeader()
        print("case                          entries  stable   wall ms   cpu ms  (median of \(fixtures.repeats))")
        let cases = (try load("hull.json.gz")["cases"] as? [[String: Any]]) ?? []
        var total = 0.0, totalCPU = 0.0
        for c in cases {
            let entries = try (c["entries"] as? [[String: Any]] ?? []).map {
                try ThermoEntry(composition: Composition($0["formula"] as! String), energy: $0["energy"] as! Double,
                                id: $0["id"] as! String)
            }
            var walls: [Double] = [], cpus: [Double] = []
            var nStable = 0
            for _ in 0..<fixtures.repeats {
                let t0 = Timing.wallSeconds(), c0 = Timing.cpuSeconds()
                let pd = try PhaseDiagram(entries: entries)
                _ = pd.analyzeAll()
                nStable = pd.stableIndices.count
                walls.append((Timing.wallSeconds() - t0) * 1e3)
                cpus.append((Timing.cpuSeconds() - c0) * 1e3)
            }
            let wall = Timing.median(walls), cpu = Timing.median(cpus)
            total += wall
            totalCPU += cpu
            print(Timing.pad(c["name"] as? String ?? "?", 30) + Timing.pad("\(entries.count)", 9) + Timing.pad("\(nStable)", 9)
                  + Timing.pad(String(format: "%.2f", wall), 10) + String(format: "%.2f", cpu))
        }
        print(String(format: "all %d small cases: wall %.2f ms, cpu %.2f ms", cases.count, total, totalCPU))
        if !skipLarge {
            let rows = (try load("hull_mp_large.json.gz")["entries"] as? [[String: Any]]) ?? []
            let entries = try rows.enumerated().map { i, r in
                try ThermoEntry(composition: Composition(r["formula"] as! String),
                                energyPerAtom: r["formation_energy_per_atom"] as! Double, id: "row\(i)")
            }
            let t0 = Timing.wallSeconds(), c0 = Timing.cpuSeconds()
            let pd = try PhaseDiagram(entries: entries)
            let stable = pd.stableIndices.count
            let t1 = Timing.wallSeconds()
            let results = pd.analyzeAll(phaseSeparation: false)
            let t2 = Timing.wallSeconds(), c2 = Timing.cpuSeconds()
            print(String(format: "hull_mp_large: %d entries, %d stable; build (all hulls) %.2f s, E_hull of all %.2f s, "
                         + "total wall %.2f s, cpu %.2f s",
                         results.count, stable, t1 - t0, t2 - t1, t2 - t0, c2 - c0))
        }
        if reference {
            let t0 = Timing.wallSeconds()
            let entries = try MPReference.entries()
            let t1 = Timing.wallSeconds()
            let pd = try PhaseDiagram(entries: entries)
            let results = pd.analyzeAll(phaseSeparation: false)
            let t2 = Timing.wallSeconds()
            print(String(format: "bundled MP reference: load %d entries %.2f s; build + E_hull of all %.2f s (%d stable)",
                         entries.count, t1 - t0, t2 - t1, results.filter(\.isStable).count))
        }
        print(String(format: "peak memory (max RSS): %.1f MB", Timing.peakMemoryMB()))
    }
}
