import ArgumentParser
import Crystal
import Foundation
import KilnCommands
import KilnSupport
import Potentials

/// `kiln-bench chgnet`: times CHGNet single points (graph + energy, forces, stress, magmoms)
/// on the fixture structures and compares with Benchmarks/chgnet_python.py's PyTorch timings.
struct BenchCHGNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chgnet",
        abstract: "Benchmark CHGNet single points on Tests/Fixtures/chgnet.json.gz against PyTorch CHGNet.")

    @OptionGroup var fixtures: BenchFixtures

    @Option(help: "JSON written by Benchmarks/chgnet_python.py, for the side-by-side ratio.")
    var python: String?

    @OptionGroup var chgnet: CHGNetOptions

    @OptionGroup var kernels: RowKernelOption

    @Option(help: "Peak float32 rate of the machine in GFLOP/s (default: cores × clock × 64 FLOP/cycle with AVX-512, 32 with AVX2).")
    var peakGflops: Double?

    @Option(help: "Time only this fixture structure (repeatable), e.g. perov5-test:12714.")
    var only: [String] = []

    @Flag(help: "Also print the median wall time of each stage of the pass per structure (needs --only).")
    var stages = false

    func validate() throws {
        if stages && only.isEmpty { throw ValidationError("--stages needs --only: one column per structure") }
        if let peakGflops, !(peakGflops > 0) { throw ValidationError("--peak-gflops must be positive") }
    }

    func run() throws {
        try kernels.apply()
        Machine.printHeader()
        struct Results: Decodable {
            struct Result: Decodable { var id: String }
            var results: [Result]
        }
        let byId = Dictionary(try BenchInputs.fixtureStructures(fixtures.path("structures.json.gz")),
                              uniquingKeysWith: { a, _ in a })
        let results = fixtures.path("chgnet.json.gz")
        var ids = try BenchInputs.decode(Results.self, from: results).results.map(\.id)
        guard !ids.isEmpty else { throw CommandError("\(results): no structures") }
        if !only.isEmpty {
            for id in only where !ids.contains(id) { throw CommandError("\(results): no structure \(id)") }
            ids = only
        }
        let model = try chgnet.model()
        var rows: [(id: String, sites: Int, ms: Double, cpu: Double, graph: CHGNetGraph)] = []
        for id in ids {
            guard let s = byId[id] else { throw CommandError("\(results): structure \(id) is not in structures.json.gz") }
            _ = try model.calculate(s, properties: .all)  // warm-up
            var times: [Double] = [], cpu: [Double] = []
            for _ in 0..<fixtures.repeats {
                let t = Timing.wallSeconds(), c = Timing.cpuSeconds()
                _ = try model.calculate(s, properties: .all)
                times.append((Timing.wallSeconds() - t) * 1e3)
                cpu.append((Timing.cpuSeconds() - c) * 1e3)
            }
            rows.append((id, s.count, Timing.median(times), Timing.median(cpu), try model.graph(for: s)))
        }
        if stages { try printStages(model, ids.map { byId[$0]! }) }
        var table = SideBySide(rows: rows.map { SideBySide.Row(id: $0.id, sites: $0.sites, ms: $0.ms, cpu: $0.cpu) })
        _ = try table.loadPython(python)
        print("CHGNet 0.3.0 single points (graph + energy, forces, stress, magmoms), \(chgnet.engine) engine, median of \(fixtures.repeats) per structure")
        table.print(classes: [8, 16, 32, 48])
        let largest = rows.max { $0.graph.angleCount + $0.graph.directedEdgeCount < $1.graph.angleCount + $1.graph.directedEdgeCount }!
        let flops = Self.matmulFlops(largest.graph)
        let peakGflops = peakGflops ?? Machine.current.peakGflops ?? 332.8
        print(String(format: "largest graph: %@ (%d atoms, %d directed edges, %d angles): %.1f MFLOP of matrix products in %.2f ms = %.1f GFLOP/s, %.1f%% of %.0f GFLOP/s peak",
                     largest.id as NSString, largest.sites, largest.graph.directedEdgeCount, largest.graph.angleCount,
                     flops / 1e6, largest.ms, flops / largest.ms / 1e6, 100 * flops / largest.ms / 1e6 / peakGflops, peakGflops))
    }

    /// Median wall time (ms) of each stage over `fixtures.repeats` profiled calls, one column per structure.
    func printStages(_ model: CHGNet, _ structures: [Structure]) throws {
        var names: [String] = []
        var columns: [[String: Double]] = []
        for s in structures {
            var samples: [String: [Double]] = [:]
            for _ in 0..<fixtures.repeats {
                for (stage, seconds) in try model.stageTimes(s) {
                    if !names.contains(stage) { names.append(stage) }
                    samples[stage, default: []].append(seconds * 1e3)
                }
            }
            columns.append(samples.mapValues(Timing.median))
        }
        let widths = only.map { max(12, $0.count + 2) }
        print(Timing.pad("stage (median ms of \(fixtures.repeats) calls)", 36)
              + zip(only, widths).map { Timing.pad($0, $1, alignRight: true) }.joined())
        for name in names + ["total"] {
            let cells = columns.map { c in name == "total" ? c.values.reduce(0, +) : c[name] }
            print(Timing.pad(name, 36) + zip(cells, widths).map { cell, width in
                Timing.pad(cell.map { String(format: "%.3f", $0) } ?? "–", width, alignRight: true)
            }.joined())
        }
        print("")
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
