import ArgumentParser
import Crystal
import CrystalIO
import Foundation
import KilnSupport
import Thermo

/// `kiln bench hull`: times phase-diagram construction plus every query (formation energy, E_hull,
/// decomposition, phase separation for stable entries) on the hull fixtures, for comparison with
/// Benchmarks/hull_python.py (pymatgen). Reports the median of `--repeats` runs and peak memory.
struct BenchHullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hull",
        abstract: "Benchmark the Thermo hull on Tests/Fixtures/hull.json.gz and hull_mp_large.json.gz.")

    @Option(help: "Fixture directory holding hull.json.gz and hull_mp_large.json.gz.")
    var fixtures = "Tests/Fixtures"

    @Option(help: "Runs per small case (the median is reported).")
    var repeats = 5

    @Flag(help: "Skip the 132,752-entry MP case.")
    var skipLarge = false

    @Flag(help: "Also time the bundled MP reference: load, and build + E_hull of all its entries.")
    var reference = false

    func run() throws {
        do { try bench() } catch {
            FileHandle.standardError.write(Data("kiln bench hull: error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func load(_ name: String) throws -> [String: Any] {
        let url = URL(fileURLWithPath: fixtures).appendingPathComponent(name)
        guard let obj = try JSONSerialization.jsonObject(with: Gzip.readFile(url)) as? [String: Any] else {
            throw ThermoError.invalidInput("\(url.path): not a JSON object")
        }
        return obj
    }

    private func bench() throws {
        print("case                          entries  stable   wall ms   cpu ms  (median of \(repeats))")
        let cases = (try load("hull.json.gz")["cases"] as? [[String: Any]]) ?? []
        var total = 0.0, totalCPU = 0.0
        for c in cases {
            let entries = try (c["entries"] as? [[String: Any]] ?? []).map {
                try ThermoEntry(composition: Composition($0["formula"] as! String), energy: $0["energy"] as! Double,
                                id: $0["id"] as! String)
            }
            var walls: [Double] = [], cpus: [Double] = []
            var nStable = 0
            for _ in 0..<max(1, repeats) {
                let t0 = DispatchTime.now().uptimeNanoseconds, c0 = cpuSeconds()
                let pd = try PhaseDiagram(entries: entries)
                _ = pd.analyzeAll()
                nStable = pd.stableIndices.count
                walls.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                cpus.append((cpuSeconds() - c0) * 1e3)
            }
            let wall = walls.sorted()[walls.count / 2], cpu = cpus.sorted()[cpus.count / 2]
            total += wall
            totalCPU += cpu
            print(pad(c["name"] as? String ?? "?", 30) + pad("\(entries.count)", 9) + pad("\(nStable)", 9)
                  + pad(String(format: "%.2f", wall), 10) + String(format: "%.2f", cpu))
        }
        print(String(format: "all %d small cases: wall %.2f ms, cpu %.2f ms", cases.count, total, totalCPU))
        if !skipLarge {
            let rows = (try load("hull_mp_large.json.gz")["entries"] as? [[String: Any]]) ?? []
            let entries = try rows.enumerated().map { i, r in
                try ThermoEntry(composition: Composition(r["formula"] as! String),
                                energyPerAtom: r["formation_energy_per_atom"] as! Double, id: "row\(i)")
            }
            let t0 = DispatchTime.now().uptimeNanoseconds, c0 = cpuSeconds()
            let pd = try PhaseDiagram(entries: entries)
            let stable = pd.stableIndices.count
            let t1 = DispatchTime.now().uptimeNanoseconds
            let results = pd.analyzeAll(phaseSeparation: false)
            let t2 = DispatchTime.now().uptimeNanoseconds, c2 = cpuSeconds()
            print(String(format: "hull_mp_large: %d entries, %d stable; build (all hulls) %.2f s, E_hull of all %.2f s, "
                         + "total wall %.2f s, cpu %.2f s",
                         results.count, stable, Double(t1 - t0) / 1e9, Double(t2 - t1) / 1e9, Double(t2 - t0) / 1e9, c2 - c0))
        }
        if reference {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let entries = try MPReference.entries()
            let t1 = DispatchTime.now().uptimeNanoseconds
            let pd = try PhaseDiagram(entries: entries)
            let results = pd.analyzeAll(phaseSeparation: false)
            let t2 = DispatchTime.now().uptimeNanoseconds
            print(String(format: "bundled MP reference: load %d entries %.2f s; build + E_hull of all %.2f s (%d stable)",
                         entries.count, Double(t1 - t0) / 1e9, Double(t2 - t1) / 1e9, results.filter(\.isStable).count))
        }
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let mb = Double(usage.ru_maxrss) / 1024  // kB on Linux
        #else
        getrusage(RUSAGE_SELF, &usage)
        let mb = Double(usage.ru_maxrss) / 1_048_576  // bytes on macOS
        #endif
        print(String(format: "peak memory (max RSS): %.1f MB", mb))
    }

    private func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    private func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
}
