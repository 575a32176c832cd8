import ArgumentParser
import Crystal
import Foundation
import KilnCommands
import KilnSupport
import Potentials

/// `kiln-bench sevennet`: times SevenNet or HIENet single points (graph + energy, forces, stress) on
/// the fixture structures and compares with Benchmarks/sevennet_python.py's PyTorch timings.
struct BenchSevenNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sevennet",
        abstract: "Benchmark SevenNet or HIENet single points on Tests/Fixtures/sevennet.json.gz against PyTorch.")

    @OptionGroup var fixtures: BenchFixtures

    @Option(help: "sevennet-0, sevennet-l3i5, sevennet-mf-0 or hienet (HIENet timed on the structures SevenNet-0 covers).")
    var model = "sevennet-0"

    @Option(help: "JSON written by Benchmarks/sevennet_python.py for the same model, for the side-by-side ratio.")
    var python: String?

    @Option(help: "Time only the first N structures (as sevennet_python.py --limit).")
    var limit: Int?

    func validate() throws {
        guard let m = PotentialModel(rawValue: model), m != .chgnet else {
            throw ValidationError("--model must be sevennet-0, sevennet-l3i5, sevennet-mf-0 or hienet")
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
        let covered = model == "sevennet-l3i5" ? model : "sevennet-0"  // MF-0 and HIENet: the same 89 elements
        var ids = results.filter { r in
            ((r["models"] as? [String: Any])?[covered] as? [String: Any]).map { $0["error"] == nil } ?? false
        }.compactMap { $0["id"] as? String }
        if let limit { ids = Array(ids.prefix(limit)) }
        guard !ids.isEmpty else { throw CommandError("\(file): no structures for \(model)") }
        let calculator = try PotentialModel(rawValue: model)!.load()
        var table = SideBySide()
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
            table.rows.append(.init(id: id, sites: s.count, ms: Timing.median(times), cpu: Timing.median(cpu)))
        }
        if let m = try table.loadPython(python)["model"] as? String, m != model {
            throw CommandError("\(python ?? "") times \(m), not \(model)")
        }
        print("\(calculator.name) single points (graph + energy, forces, stress), median of \(fixtures.repeats) per structure")
        table.print(classes: [8, 16, 32])
    }
}
