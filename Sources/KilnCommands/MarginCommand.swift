import ArgumentParser
import Crystal
import Evaluation
import Foundation
import Potentials
import Thermo

/// `kiln benchmark margin`: the potential's offset from the MP hull on known hull compounds.
struct MarginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "margin",
        abstract: "Relax the MP hull compounds of chemical systems with a potential (--model) and report their offsets from the MP hull.",
        discussion: """
            For every system, each compound on the hull of the bundled MP energy table (made of the system's elements, \
            elemental phases left out) that has a bundled MP structure of at most --max-atoms sites is relaxed (by default \
            as a campaign relaxes: FIRE, Fréchet cell filter, fmax 0.05 eV/Å, 500 steps) and placed on that hull with \
            the MP2020 corrections added when the model needs them (not for CHGNet, trained on corrected energies). Only \
            converged relaxations count. Its offset is its signed E_hull: positive when the potential puts the known phase above MP's hull. A \
            campaign's stability margin (`[stability] margin = "measured"`) is max(0, median offset) of its system.
            """)

    @Option(name: .customLong("chemsys"), help: "Chemical system, e.g. Li-Mn-O (repeat for several).")
    var systems: [String]

    @Option(help: "Most sites per relaxed cell.")
    var maxAtoms = 60

    @Option(help: "Structures relaxed at once (at most one per core runs at a time).")
    var workers = 2

    /// The defaults are a campaign's (FIRE, full cell, `[relax]` fmax 0.05 and 500 steps).
    @OptionGroup var relaxation: RelaxationOptions

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1...500).contains(maxAtoms) else { throw ValidationError("--max-atoms must be between 1 and 500") }
        try RelaxationOptions.validate(workers: workers)
        _ = try elements()
    }

    private func elements() throws -> [[Element]] { try BenchmarkCommand.chemicalSystems(systems) }

    func run() throws {
        let potential = try relaxation.potential.load()
        var measurer = MarginMeasurer(relaxer: relaxation.relaxer(potential))
        measurer.maxAtoms = maxAtoms
        measurer.workers = workers
        var results: [StabilityMargin] = []
        for els in try elements() {
            let hull = try HullService(corrections: .init(potential), elements: Set(els))
            let name = StabilityMargin.name(els)
            let bar = ProgressBar()
            let started = Date()
            results.append(try measurer.measure(system: els, hull: hull) { done, total in
                bar.update(done: done, total: total, elapsed: Date().timeIntervalSince(started), detail: "\(name) relaxed")
                if done == total { bar.finish() }
            })
        }
        if json {
            print(try jsonText(encoding: results))
        } else {
            table(results)
        }
    }

    private func table(_ results: [StabilityMargin]) {
        func f(_ x: Double?) -> String { x.map { String(format: "%+.3f", $0) } ?? "–" }
        print("| system | phase | MP id | sites | relaxation | offset (eV/atom) |")
        print("|---|---|---|---|---|---|")
        for r in results {
            for p in r.phases {
                print("| \(r.system) | \(p.formula) | \(p.id) | \(p.sites) | \(p.outcome) | \(f(p.offset)) |")
            }
            for s in r.skipped { print("| \(r.system) | skipped: \(s) | | | | |") }
        }
        print("")
        print("| system | phases measured | median | min | max | margin |")
        print("|---|---|---|---|---|---|")
        for r in results {
            print("| \(r.system) | \(r.count) | \(f(r.median)) | \(f(r.min)) | \(f(r.max)) | \(String(format: "%.3f", r.margin)) |")
        }
    }
}
