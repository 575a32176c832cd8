import ArgumentParser
import Campaign
import Foundation
import KilnSupport

/// `kiln benchmark csp`: crystal structure prediction of MP ground states by each search method.
struct CSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csp",
        abstract: "Crystal structure prediction benchmark: how often, and how fast, each search method finds MP ground states.",
        discussion: """
            Thirty MP ground states (binaries, ternaries and quaternaries of 2–20 sites, three per size bin, picked by the \
            SHA-256 of their material ids; --list shows them) are searched by each method with the formula given, at most \
            as many sites per cell as the MP structure, and the formula hidden from every reference and prototype. A run \
            succeeds when a relaxed candidate matches the MP structure (StructureMatcher, pymatgen's defaults) and stops \
            there. Every method gets the same relaxation budget, batch and seeds; the particle swarm has --batch \
            particles (one generation per round). Relaxations use --model. Runs are stored under --out and skipped \
            when already finished, so an interrupted benchmark resumes (use one --out per model).
            """)

    @Option(help: "Search methods, comma-separated: evolutionary, particle_swarm, random_symmetric.")
    var methods = "evolutionary,particle_swarm,random_symmetric"

    @Option(help: "Relaxations per formula and method.")
    var budget = 30

    @Option(help: "Relaxations per round.")
    var batch = 6

    @Option(help: "Seeds per formula and method (seeds 1…N).")
    var seeds = 1

    @Option(help: "Formulas per size bin (3 gives 30).")
    var perBin = 3

    @Option(help: "Most optimiser steps per relaxation (fmax 0.1 eV/Å).")
    var steps = 200

    @Option(help: "Output folder (one subfolder per formula and run).")
    var out = "kiln-out/benchmark-csp"

    @Option(help: "Structures relaxed at once (at most one per core runs at a time).")
    var workers = 2

    @OptionGroup var potential: ModelOptions

    @Flag(help: "Only list the formulas.")
    var list = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        try RelaxationOptions.validate(workers: workers)
        guard budget >= 1, batch >= 1, seeds >= 1, steps >= 1 else {
            throw ValidationError("--budget, --batch, --seeds and --steps must be at least 1")
        }
        guard (1...20).contains(perBin) else { throw ValidationError("--per-bin must be between 1 and 20") }
        _ = try kinds()
    }

    private func kinds() throws -> [CampaignSpec.GeneratorSpec.Kind] {
        let names = methods.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let allowed: [CampaignSpec.GeneratorSpec.Kind] = CSPBenchmark.methods
        let kinds = try names.map { n in
            guard let k = allowed.first(where: { $0.rawValue == n }) else {
                throw ValidationError("--methods: '\(n)' is not one of \(allowed.map(\.rawValue).joined(separator: ", "))")
            }
            return k
        }
        guard !kinds.isEmpty, Set(kinds).count == kinds.count else { throw ValidationError("--methods: name each method once") }
        return kinds
    }

    func run() throws {
        // The selection reads every MP hull of the candidate systems (minutes); it is kept in --out.
        let root = URL(fileURLWithPath: out)
        let saved = root.appendingPathComponent("formulas-\(perBin).json")
        let formulas: [CSPBenchmark.Formula]
        if let data = try? Data(contentsOf: saved), let f = try? JSONDecoder().decode([CSPBenchmark.Formula].self, from: data) {
            formulas = f
        } else {
            formulas = try CSPBenchmark.formulas(perBin: perBin)
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try JSONEncoder().encode(formulas).write(to: saved, options: .atomic)
        }
        if list {
            if json { print(try jsonText(encoding: formulas)); return }
            print("| formula | MP id | sites | elements |\n|---|---|---|---|")
            for f in formulas { print("| \(f.formula) | \(f.materialID) | \(f.sites) | \(f.elements) |") }
            return
        }
        let potential = try self.potential.load()
        var runs: [CSPBenchmark.Run] = []
        for f in formulas {
            for kind in try kinds() {
                for seed in 1...seeds {
                    let dir = root.appendingPathComponent(f.formula).appendingPathComponent("\(kind.rawValue)-s\(seed)")
                    let saved = dir.appendingPathComponent("run.json")
                    if let data = try? Data(contentsOf: saved), let run = try? JSONDecoder().decode(CSPBenchmark.Run.self, from: data) {
                        runs.append(run)
                        continue
                    }
                    printError("kiln: csp \(f.formula) (\(f.sites) sites) by \(kind.rawValue), seed \(seed)")
                    var method = CampaignSpec.GeneratorSpec(kind: kind, budget: budget * 20, seed: UInt64(seed), timeLimit: 60)
                    method.swarm.swarmSize = batch  // one generation of the swarm per round
                    let run = try CSPBenchmark.run(f, method: method, budget: budget, batch: batch, relaxSteps: steps,
                                                   outputDirectory: dir, potential: potential, workers: workers)
                    try JSONEncoder().encode(run).write(to: saved, options: .atomic)
                    runs.append(run)
                }
            }
        }
        if json { print(try jsonText(encoding: runs)); return }
        table(runs, formulas: formulas)
    }

    private func table(_ runs: [CSPBenchmark.Run], formulas: [CSPBenchmark.Formula]) {
        let kinds = (try? kinds()) ?? []
        print("| formula | sites | " + kinds.map(\.rawValue).joined(separator: " | ") + " |")
        print("|---|---|" + kinds.map { _ in "---|" }.joined())
        for f in formulas {
            let cells = kinds.map { k -> String in
                let mine = runs.filter { $0.formula == f.formula && $0.method == k.rawValue }
                return mine.map { $0.relaxationsToSuccess.map(String.init) ?? "–" }.joined(separator: ", ")
            }
            print("| \(f.formula) | \(f.sites) | " + cells.joined(separator: " | ") + " |")
        }
        print("\n| method | runs | found | success rate | median relaxations to success |\n|---|---|---|---|---|")
        for k in kinds {
            let mine = runs.filter { $0.method == k.rawValue }
            let hits = mine.compactMap(\.relaxationsToSuccess)
            let median = hits.map(Double.init).median.map { String(format: "%g", $0) } ?? "–"
            print("| \(k.rawValue) | \(mine.count) | \(hits.count) | \(String(format: "%.0f %%", 100 * Double(hits.count) / Double(max(mine.count, 1)))) | \(median) |")
        }
        print(String(format: "\nbudget %d relaxations per run, batch %d, %d optimiser steps at most; total wall time %.0f s",
                     budget, batch, steps, runs.map(\.wallSeconds).reduce(0, +)))
    }
}
