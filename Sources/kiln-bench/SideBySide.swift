import Foundation
import KilnCommands

/// Per-structure single-point timings of Kiln beside a PyTorch script's (Benchmarks/*_python.py
/// JSON: {structures: [{id, median_ms, median_cpu_ms}], peak_rss_mb}), printed by size class.
struct SideBySide {
    struct Row {
        var id: String
        var sites: Int
        var ms: Double
        var cpu: Double
    }

    var rows: [Row] = []
    var pythonMs: [String: Double] = [:], pythonCpu: [String: Double] = [:]
    var pythonPeakMB: Double?

    /// Reads the PyTorch side from `path` (nothing when nil).
    mutating func loadPython(_ path: String?) throws -> [String: Any] {
        guard let path else { return [:] }
        let d = try BenchInputs.json(path)
        guard let list = d["structures"] as? [[String: Any]] else { throw CommandError("\(path): no \"structures\" list") }
        for r in list {
            guard let id = r["id"] as? String else { continue }
            pythonMs[id] = r["median_ms"] as? Double
            pythonCpu[id] = r["median_cpu_ms"] as? Double
        }
        pythonPeakMB = d["peak_rss_mb"] as? Double
        return d
    }

    /// The table by size class (`classes`: upper bounds of sites), the sums and peak memory.
    func print(classes: [Int]) {
        Swift.print("wall ms and process CPU ms (all threads): medians over the structures of each class;")
        Swift.print("ratio = median over structures of PyTorch time / Kiln time")
        Swift.print("size class      n   Kiln wall   PyTorch wall   ratio   Kiln CPU   PyTorch CPU   ratio")
        var ranges: [(String, ClosedRange<Int>)] = []
        var low = 1
        for upper in classes {
            ranges.append(("\(low)–\(upper) sites", low...upper))
            low = upper + 1
        }
        ranges.append(("all", 1...Int.max))
        func column(_ values: [Double], _ format: String) -> String { values.isEmpty ? "–" : String(format: format, Timing.median(values)) }
        for (name, range) in ranges {
            let sel = rows.filter { range.contains($0.sites) }
            guard !sel.isEmpty else { continue }
            let wallRatio = sel.compactMap { r in pythonMs[r.id].map { $0 / r.ms } }
            let cpuRatio = sel.compactMap { r in pythonCpu[r.id].map { $0 / r.cpu } }
            Swift.print(Timing.pad(name, 12) + String(format: " %4d", sel.count)
                        + Timing.pad(column(sel.map(\.ms), "%.2f"), 12, alignRight: true)
                        + Timing.pad(column(sel.compactMap { pythonMs[$0.id] }, "%.2f"), 15, alignRight: true)
                        + Timing.pad(column(wallRatio, "%.1f×"), 8, alignRight: true)
                        + Timing.pad(column(sel.map(\.cpu), "%.2f"), 11, alignRight: true)
                        + Timing.pad(column(sel.compactMap { pythonCpu[$0.id] }, "%.2f"), 14, alignRight: true)
                        + Timing.pad(column(cpuRatio, "%.1f×"), 8, alignRight: true))
        }
        if !pythonMs.isEmpty {
            let total = rows.reduce(0) { $0 + $1.ms }, pyTotal = rows.compactMap { pythonMs[$0.id] }.reduce(0, +)
            Swift.print(String(format: "sum over structures: Kiln %.1f ms, PyTorch %.1f ms, ratio %.1f×", total, pyTotal, pyTotal / total))
        }
        Swift.print(String(format: "peak memory (max RSS): Kiln %.1f MB%@", Timing.peakMemoryMB(),
                           (pythonPeakMB.map { String(format: ", PyTorch %.1f MB", $0) } ?? "") as NSString))
    }
}
