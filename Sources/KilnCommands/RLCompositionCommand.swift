import ArgumentParser
import Crystal
import Evaluation
import Foundation
import Generation
import KilnSupport
import Potentials
import Properties
import Search
import Thermo

/// `kiln benchmark rl-composition`: do the RL composition agents propose compositions that end
/// nearer the hull than random composition sampling does?
struct RLCompositionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rl-composition",
        abstract: "RL composition agents against random composition sampling at equal budgets.",
        discussion: """
            Per chemical system, the policy-gradient agent, the deep-Q agent and uniform random sampling (over the \
            compositions the agents' episodes can reach) each propose --count distinct compositions (the agents trained on \
            their reward: the bundled formation-energy composition model placed on the MP hull, plus a charge-balance \
            bonus). Each composition gets --substitutions substitution structures and --random-structures random \
            symmetric ones, relaxed with --model (FIRE, fmax 0.1 eV/Å); a composition is a hit when its best structure ends \
            within 0.1 eV/atom of the MP hull (MP2020 corrections added for models that need them). Results per system \
            and method are stored under --out and reused (use one --out per model).
            """)

    @Option(name: .customLong("chemsys"), help: "Chemical system, e.g. Li-Mn-O (repeat for several).")
    var systems: [String] = ["Li-Mn-O", "Na-Ti-O"]

    @Option(help: "Compositions per method and system.")
    var count = 20

    @Option(help: "Seed of the agents and of random sampling.")
    var seed = 1

    @Option(help: "Most atoms per cell.")
    var maxAtoms = 10

    @Option(help: "Substitution structures per composition.")
    var substitutions = 2

    @Option(help: "Random symmetric structures per composition.")
    var randomStructures = 1

    @Option(help: "Most optimiser steps per relaxation.")
    var steps = 300

    @Option(help: "Output folder.")
    var out = "kiln-out/benchmark-rl-composition"

    @Option(help: "Structures relaxed at once.")
    var workers = 2

    @OptionGroup var potential: ModelOptions

    @Flag(help: "Print JSON.")
    var json = false

    /// One method's result in one system.
    struct Row: Codable {
        var system: String
        var method: String
        var compositions: Int
        /// Compositions with at least one relaxed structure.
        var relaxed: Int
        var hits: Int
        var predictedHits: Int
        /// Lowest relaxed E_hull per composition (eV/atom), in proposal order; nil when none relaxed.
        var bestEHull: [Double?]
        var formulas: [String]
    }

    func validate() throws {
        try RelaxationOptions.validate(workers: workers)
        _ = try BenchmarkCommand.chemicalSystems(systems)
        guard count >= 1, steps >= 1, substitutions >= 0, randomStructures >= 0, substitutions + randomStructures >= 1 else {
            throw ValidationError("--count and --steps must be at least 1, and each composition needs a structure")
        }
        guard (2...40).contains(maxAtoms) else { throw ValidationError("--max-atoms must be between 2 and 40") }
    }

    func run() throws {
        let potential = try self.potential.load()
        var relaxer = Relaxer(calculator: potential.calculator)
        relaxer.fmax = 0.1
        relaxer.maxSteps = steps
        var rows: [Row] = []
        for (text, els) in zip(systems, try BenchmarkCommand.chemicalSystems(systems)) {
            let target = try GenerationTarget(systems: [els], maxAtoms: maxAtoms)
            let hull = try HullService(corrections: .init(potential), elements: Set(els))
            let predictor = PredictedHullEnergy(hull: hull, model: try LearnedModel.bundled(.formationEnergy))
            for method in RLCompositionBenchmark.Method.allCases {
                let saved = URL(fileURLWithPath: out).appendingPathComponent("\(text)-\(method.rawValue)-s\(seed).json")
                if let data = try? Data(contentsOf: saved), let row = try? JSONDecoder().decode(Row.self, from: data) {
                    rows.append(row)
                    continue
                }
                printError("kiln: \(text): \(method.rawValue) proposes \(count) compositions")
                let proposals = try RLCompositionBenchmark.propose(
                    method, target: target, parameters: .init(), count: count, seed: UInt64(seed), predictor: predictor,
                    substitutions: substitutions, randomStructures: randomStructures)
                let jobs = proposals.enumerated().flatMap { k, p in p.structures.map { (k, $0.structure) } }
                let bar = ProgressBar()
                let started = Date()
                let eHull = WorkQueue.map(jobs.count, workers: workers, progress: { done, _ in
                    bar.update(done: done, total: jobs.count, elapsed: Date().timeIntervalSince(started), detail: "relaxed")
                }) { j -> Double? in
                    guard let r = try? relaxer.relax(jobs[j].1), r.outcome.label != "failed" else { return nil }
                    let s = r.final.structure
                    return hull.energyAboveHull(s.composition, energy: r.finalEnergyPerAtom * s.composition.numAtoms)
                }
                bar.finish()
                var best = [Double?](repeating: nil, count: proposals.count)
                for (j, e) in eHull.enumerated() { if let e { best[jobs[j].0] = min(e, best[jobs[j].0] ?? .infinity) } }
                let row = Row(system: text, method: method.rawValue, compositions: proposals.count,
                              relaxed: best.compactMap { $0 }.count, hits: best.compactMap { $0 }.filter { $0 <= 0.1 }.count,
                              predictedHits: proposals.compactMap(\.predictedEHull).filter { $0 <= 0.1 }.count,
                              bestEHull: best, formulas: proposals.map(\.composition.reducedFormula))
                try FileManager.default.createDirectory(at: saved.deletingLastPathComponent(), withIntermediateDirectories: true)
                try JSONEncoder().encode(row).write(to: saved, options: .atomic)
                rows.append(row)
            }
        }
        if json { print(try jsonText(encoding: rows)); return }
        print("| system | method | compositions (relaxed) | hits: best relaxed E_hull ≤ 0.1 | predicted E_hull ≤ 0.1 | median best E_hull |")
        print("|---|---|---|---|---|---|")
        for r in rows {
            let median = r.bestEHull.compactMap { $0 }.median.map { String(format: "%.3f", $0) } ?? "–"
            print("| \(r.system) | \(r.method) | \(r.compositions) (\(r.relaxed)) | \(r.hits) (\(String(format: "%.2f", Double(r.hits) / Double(r.compositions)))) | "
                  + "\(r.predictedHits) | \(median) |")
        }
    }
}
