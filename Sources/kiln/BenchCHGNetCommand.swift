import ArgumentParser
import Crystal
import CrystalIO
import Foundation
import KilnSupport
import Potentials

/// `kiln bench chgnet`: times CHGNet single points (graph + energy, forces, stress, magmoms)
/// on the fixture structures and compares with Benchmarks/chgnet_python.py's PyTorch timings.
struct BenchCHGNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chgnet",
        abstract: "Benchmark CHGNet single points on Tests/Fixtures/chgnet.json.gz against PyTorch CHGNet.")

    @Option(help: "Folder with chgnet.json.gz and structures.json.gz.")
    var fixtures = "Tests/Fixtures"

    @Option(help: "Timed repeats per structure (median reported).")
    var repeats = 5

    @Option(help: "JSON written by Benchmarks/chgnet_python.py, for the side-by-side ratio.")
    var python: String?

    @Option(help: "CHGNet engine to time: fused (default) or tensor.")
    var engine: CHGNet.Engine = .fused

    @Option(help: "Peak float32 rate of the machine in GFLOP/s (default: 2 cores × 2.6 GHz × 64 FLOP/cycle, AVX-512 FMA).")
    var peakGflops = 332.8

    func run() throws {
        let dir = URL(fileURLWithPath: fixtures)
        func load(_ name: String) throws -> [String: Any] {
            let url = dir.appendingPathComponent(name)
            guard let d = try? JSONSerialization.jsonObject(with: Gzip.readFile(url)) as? [String: Any] else {
                throw ValidationError("cannot read \(url.path)")
            }
            return d
        }
        var byId: [String: [String: Any]] = [:]
        for s in (try load("structures.json.gz")["structures"] as? [[String: Any]]) ?? [] {
            byId[s["id"] as! String] = s["structure"] as? [String: Any]
        }
        let ids = ((try load("chgnet.json.gz")["results"] as? [[String: Any]]) ?? []).map { $0["id"] as! String }
        guard !ids.isEmpty else { throw ValidationError("no structures in \(fixtures)/chgnet.json.gz") }
        let model = try CHGNet(engine: engine)
        var rows: [(id: String, sites: Int, ms: Double, cpu: Double, graph: CHGNetGraph)] = []
        for id in ids {
            guard let d = byId[id], let lat = d["lattice"] as? [[Double]], let sp = d["species"] as? [String],
                  let fc = d["frac_coords"] as? [[Double]] else { throw ValidationError("structure \(id) missing") }
            let s = Structure(lattice: Lattice(lat), species: try sp.map { try Element($0) },
                              fracCoords: fc.map { Vec3($0[0], $0[1], $0[2]) })
            _ = try model.calculate(s, properties: .all)  // warm-up
            var times: [Double] = [], cpu: [Double] = []
            for _ in 0..<max(1, repeats) {
                let t = DispatchTime.now().uptimeNanoseconds, c = Self.cpuMilliseconds()
                _ = try model.calculate(s, properties: .all)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
                cpu.append(Self.cpuMilliseconds() - c)
            }
            rows.append((id, s.count, Self.median(times), Self.median(cpu), try model.graph(for: s)))
        }
        var pythonMs: [String: Double] = [:], pythonCpu: [String: Double] = [:]
        var pythonPeakMB: Double?
        if let python {
            guard let d = try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: python))) as? [String: Any],
                  let list = d["structures"] as? [[String: Any]] else { throw ValidationError("cannot read \(python)") }
            for r in list {
                pythonMs[r["id"] as! String] = r["median_ms"] as? Double
                pythonCpu[r["id"] as! String] = r["median_cpu_ms"] as? Double
            }
            pythonPeakMB = d["peak_rss_mb"] as? Double
        }
        print("CHGNet 0.3.0 single points (graph + energy, forces, stress, magmoms), \(engine) engine, median of \(repeats) per structure")
        print("wall ms and process CPU ms (all threads): medians over the structures of each class;")
        print("ratio = median over structures of PyTorch time / Kiln time")
        print("size class      n   Kiln wall   PyTorch wall   ratio   Kiln CPU   PyTorch CPU   ratio")
        let classes: [(String, ClosedRange<Int>)] = [("1–8 sites", 1...8), ("9–16 sites", 9...16),
                                                     ("17–32 sites", 17...32), ("33–48 sites", 33...48), ("all", 1...Int.max)]
        func column(_ values: [Double], _ format: String) -> String { values.isEmpty ? "–" : String(format: format, Self.median(values)) }
        for (name, range) in classes {
            let sel = rows.filter { range.contains($0.sites) }
            guard !sel.isEmpty else { continue }
            let wallRatio = sel.compactMap { r in pythonMs[r.id].map { $0 / r.ms } }
            let cpuRatio = sel.compactMap { r in pythonCpu[r.id].map { $0 / r.cpu } }
            print(Self.pad(name, 12) + String(format: " %4d", sel.count)
                  + Self.pad(column(sel.map(\.ms), "%.2f"), 12, left: true)
                  + Self.pad(column(sel.compactMap { pythonMs[$0.id] }, "%.2f"), 15, left: true)
                  + Self.pad(column(wallRatio, "%.1f×"), 8, left: true)
                  + Self.pad(column(sel.map(\.cpu), "%.2f"), 11, left: true)
                  + Self.pad(column(sel.compactMap { pythonCpu[$0.id] }, "%.2f"), 14, left: true)
                  + Self.pad(column(cpuRatio, "%.1f×"), 8, left: true))
        }
        let total = rows.reduce(0) { $0 + $1.ms }
        if !pythonMs.isEmpty {
            let pyTotal = rows.compactMap { pythonMs[$0.id] }.reduce(0, +)
            print(String(format: "sum over structures: Kiln %.1f ms, PyTorch %.1f ms, ratio %.1f×", total, pyTotal, pyTotal / total))
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(String(format: "peak memory (max RSS): Kiln %.1f MB%@", Double(usage.ru_maxrss) / 1024,
                     (pythonPeakMB.map { String(format: ", PyTorch %.1f MB", $0) } ?? "") as NSString))
        let largest = rows.max { $0.graph.angleCount + $0.graph.directedEdgeCount < $1.graph.angleCount + $1.graph.directedEdgeCount }!
        let flops = Self.matmulFlops(largest.graph)
        print(String(format: "largest graph: %@ (%d atoms, %d directed edges, %d angles): %.1f MFLOP of matrix products in %.2f ms = %.1f GFLOP/s, %.1f%% of %.0f GFLOP/s peak",
                     largest.id as NSString, largest.sites, largest.graph.directedEdgeCount, largest.graph.angleCount,
                     flops / 1e6, largest.ms, flops / largest.ms / 1e6, 100 * flops / largest.ms / 1e6 / peakGflops, peakGflops))
    }

    /// CPU time of the whole process (all threads), ms.
    static func cpuMilliseconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
    }

    static func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return left ? fill + s : s + fill
    }

    static func median(_ x: [Double]) -> Double {
        let s = x.sorted()
        return s.isEmpty ? .nan : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Floating-point operations of the matrix products in one forward + backward pass
    /// (2·m·n·k each), as the Potentials pass performs them.
    static func matmulFlops(_ g: CHGNetGraph) -> Double {
        let n = Double(g.atoms), e = Double(g.directedEdgeCount), u = Double(g.undirectedEdgeCount)
        let t = Double(g.angleCount), w = 64.0, basis = 31.0
        func mm(_ m: Double, _ n: Double, _ k: Double) -> Double { 2 * m * n * k }
        var f = 3 * mm(u, w, basis) + mm(t, w, basis)                       // embeddings
        f += 3 * mm(u, basis, w) + mm(t, basis, w)                          // their backward
        let atomConv = 2 * mm(n, 2 * w, w) + mm(u, 2 * w, w) + 2 * mm(e, w, w) + mm(n, w, w)
        let atomBack = mm(n, w, w) + 2 * mm(e, w, w) + 2 * mm(n, w, 2 * w) + mm(u, w, 2 * w)
        let gathered = 2 * mm(u, 2 * w, w) + mm(n, 2 * w, w)
        let bondConv = mm(t, 2 * w, w) + gathered + 2 * mm(t, w, w) + mm(u, w, w)
        let bondBack = mm(u, w, w) + 2 * mm(t, w, w) + mm(t, w, 2 * w) + 2 * mm(u, w, 2 * w) + mm(n, w, 2 * w)
        let angle = mm(t, 2 * w, w) + gathered
        let angleBack = mm(t, w, 2 * w) + 2 * mm(u, w, 2 * w) + mm(n, w, 2 * w)
        f += 4 * (atomConv + atomBack)
        if t > 0 { f += 3 * (bondConv + bondBack + angle + angleBack) }
        f += 2 * 3 * mm(n, w, w)                                            // readout MLP
        return f
    }
}
