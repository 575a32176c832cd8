import ArgumentParser
import Crystal
import Foundation
import KilnCommands
import KilnSupport
import Potentials

/// `kiln-bench sevennet`: times SevenNet single points (graph + energy, forces, stress) on the
/// fixture structures and compares with Benchmarks/sevennet_python.py's PyTorch timings.
struct BenchSevenNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sevennet",
        abstract: "Benchmark SevenNet single points on Tests/Fixtures/sevennet.json.gz against PyTorch SevenNet.")

    @OptionGroup var fixtures: BenchFixtures

    @Option(help: "sevennet-0 or sevennet-l3i5.")
    var model = "sevennet-0"

    @Option(help: "JSON written by Benchmarks/sevennet_python.py for the same model, for the side-by-side ratio.")
    var python: String?

    @Option(help: "Time only the first N structures (as sevennet_python.py --limit).")
    var limit: Int?

    func validate() throws {
        guard PotentialModel(rawValue: model)?.rawValue.hasPrefix("sevennet") == true else {
            throw ValidationError("--model must be sevennet-0 or sevennet-l3i5")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        Machine.printHeader()
        let byId = Dictionary(try BenchInputs.fixtureStructures(fixtures.path("structures.json.gz")),
                              uniquingKeysWith: { a, _ in a })
        let file = fixtures.path("sevennet.json.gz")
        guard let results = try BenchInputs.json(file)["results"] as? [[String: Any]] else {
            throw CommandError("\(file): no \"results\" list")
        }
        var ids = results.filter { r in
            ((r["models"] as? [String: Any])?[model] as? [String: Any]).map { $0["error"] == nil } ?? false
        }.compactMap { $0["id"] as? String }
        if let limit { ids = Array(ids.prefix(limit)) }
        guard !ids.isEmpty else { throw CommandError("\(file): no structures for \(model)") }
        let calculator = try SevenNet(bundled: model)
        var rows: [(id: String, sites: Int, ms: Double, cpu: Double)] = []
        for id in ids {
            guard let s = byId[id] else { throw CommandError("\(file): structure \(id) is not in structures.json.gz") }
            _ = try calculator.calculate(s, properties: [.energy, .forces, .stress])  // warm-up
            var times: [Double] = [], cpu: [Double] = []
            for _ in 0..<fixtures.repeats {
                let t = Timing.wallSeconds(), c = Timing.cpuSeconds()
                _ = try calculator.calculate(s, properties: [.energy, .forces, .stress])
                times.append((Timing.wallSeconds() - t) * 1e3)
                cpu.append((Timing.cpuSeconds() - c) * 1e3)
            }
            rows.append((id, s.count, Timing.median(times), Timing.median(cpu)))
        }
        var pythonMs: [String: Double] = [:], pythonCpu: [String: Double] = [:]
        var pythonPeakMB: Double?
        if let python {
            let d = try BenchInputs.json(python)
            guard let list = d["structures"] as? [[String: Any]] else { throw CommandError("\(python): no \"structures\" list") }
            if let m = d["model"] as? String, m != model { throw CommandError("\(python) times \(m), not \(model)") }
            for r in list {
                pythonMs[r["id"] as! String] = r["median_ms"] as? Double
                pythonCpu[r["id"] as! String] = r["median_cpu_ms"] as? Double
            }
            pythonPeakMB = d["peak_rss_mb"] as? Double
        }
        print("\(calculator.name) single points (graph + energy, forces, stress), median of \(fixtures.repeats) per structure")
        print("wall ms and process CPU ms (all threads): medians over the structures of each class;")
        print("ratio = median over structures of PyTorch time / Kiln time")
        print("size class      n   Kiln wall   PyTorch wall   ratio   Kiln CPU   PyTorch CPU   ratio")
        let classes: [(String, ClosedRange<Int>)] = [("1–8 sites", 1...8), ("9–16 sites", 9...16),
                                                     ("17–32 sites", 17...32), ("all", 1...Int.max)]
        func column(_ values: [Double], _ format: String) -> String { values.isEmpty ? "–" : String(format: format, Timing.median(values)) }
        for (name, range) in classes {
            let sel = rows.filter { range.contains($0.sites) }
            guard !sel.isEmpty else { continue }
            let wallRatio = sel.compactMap { r in pythonMs[r.id].map { $0 / r.ms } }
            let cpuRatio = sel.compactMap { r in pythonCpu[r.id].map { $0 / r.cpu } }
            print(Timing.pad(name, 12) + String(format: " %4d", sel.count)
                  + Timing.pad(column(sel.map(\.ms), "%.2f"), 12, alignRight: true)
                  + Timing.pad(column(sel.compactMap { pythonMs[$0.id] }, "%.2f"), 15, alignRight: true)
                  + Timing.pad(column(wallRatio, "%.1f×"), 8, alignRight: true)
                  + Timing.pad(column(sel.map(\.cpu), "%.2f"), 11, alignRight: true)
                  + Timing.pad(column(sel.compactMap { pythonCpu[$0.id] }, "%.2f"), 14, alignRight: true)
                  + Timing.pad(column(cpuRatio, "%.1f×"), 8, alignRight: true))
        }
        if !pythonMs.isEmpty {
            let total = rows.reduce(0) { $0 + $1.ms }, pyTotal = rows.compactMap { pythonMs[$0.id] }.reduce(0, +)
            print(String(format: "sum over structures: Kiln %.1f ms, PyTorch %.1f ms, ratio %.1f×", total, pyTotal, pyTotal / total))
        }
        print(String(format: "peak memory (max RSS): Kiln %.1f MB%@", Timing.peakMemoryMB(),
                     (pythonPeakMB.map { String(format: ", PyTorch %.1f MB", $0) } ?? "") as NSString))
    }
}
