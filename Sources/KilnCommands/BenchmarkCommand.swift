import ArgumentParser
import Campaign
import Crystal
import Foundation
import Potentials

/// `kiln benchmark …`: scientific benchmarks of the design pipeline.
struct BenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark",
        abstract: "Scientific benchmarks of the design pipeline.",
        subcommands: [RediscoveryCommand.self, MarginCommand.self, CSPCommand.self, RLCompositionCommand.self, AccuracyCommand.self,
                      DiffusionCSPCommand.self, DiffusionGuidanceCommand.self])

    /// The elements of each `--chemsys` text ("Li-Mn-O"), sorted by symbol; two or more different ones each.
    static func chemicalSystems(_ texts: [String]) throws -> [[Element]] {
        try texts.map { text in
            let els: [Element]
            do { els = try text.split(separator: "-").map { try Element(String($0)) } } catch {
                throw ValidationError("--chemsys \(text): \(describe(error))")
            }
            guard els.count >= 2, Set(els).count == els.count else {
                throw ValidationError("--chemsys \(text): name two or more different elements, e.g. Li-Mn-O")
            }
            return els.sorted { $0.symbol < $1.symbol }
        }
    }
}

/// `kiln benchmark rediscovery`: can Kiln find known stable phases it was not shown?
struct RediscoveryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rediscovery",
        abstract: "Hide the known stable MP phases of chemical systems, run a campaign on each, count the phases found again.",
        discussion: """
            For every system, the stable MP phases that contain all its elements (and have at most --max-atoms sites) are \
            removed from the substitution prototypes, the hull reference and the novelty reference. A hidden phase counts \
            as rediscovered when a relaxed candidate matches its MP structure (StructureMatcher, pymatgen defaults). \
            With --hide-analogues, every prototype of a hidden phase's structure type (anonymous StructureMatcher match, \
            species ignored: hiding SrTiO3 also hides SrRuO3) is removed from the substitution prototypes too, so a phase \
            has to be found by search, not by a one-ion swap; the number hidden is reported per phase. Wall time is \
            reported per system for this run and over every run in its folder (a resumed run), and in total. \
            With --band-gap MIN:MAX the benchmark is targeted: the campaign gets the target band_gap = { min, max, \
            use = "probability" } and Pareto ranking over e_hull and target:band_gap, each hidden phase is marked by \
            whether its MP band gap lies in the window, and each rediscovered phase's rank in that targeted ranking is \
            printed beside its place when the same ranked candidates are ordered by E_hull alone.
            """)

    @Option(name: .customLong("chemsys"), help: "Chemical system, e.g. Li-Co-O (repeat for several).")
    var systems: [String]

    @Option(help: "Hide at most this many stable phases per system (default: all).")
    var holdout: Int?

    @Option(help: "Substitution candidates per system.")
    var substitutionBudget = 40

    @Option(help: "Random symmetric candidates per system.")
    var randomBudget = 10

    @Option(help: "Most sites per cell: of the hidden phases (in the built-in MP structures), the prototypes and the candidates (20 takes spinels and Pnma perovskites).")
    var maxAtoms = 20

    @Flag(name: .customLong("hide-analogues"), help: "Also hide every prototype of the same structure type as a hidden phase.")
    var hideAnalogues = false

    @Option(name: .customLong("band-gap"), help: "Band-gap window MIN:MAX (eV): a targeted run (see above).")
    var bandGap: String?

    @Option(help: "Output folder (one subfolder per system).")
    var out = "kiln-out/rediscovery"

    @Option(help: "Structures relaxed at once (at most one per core runs at a time).")
    var workers = 2

    @OptionGroup var potential: ModelOptions

    @OptionGroup var committee: CommitteeOptions

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        _ = try committee.models(main: potential.model)
        if let h = holdout, h < 1 { throw ValidationError("--holdout must be at least 1") }
        try RelaxationOptions.validate(workers: workers)
        guard (1...200).contains(maxAtoms) else { throw ValidationError("--max-atoms must be between 1 and 200") }
        guard substitutionBudget >= 1, randomBudget >= 1 else { throw ValidationError("budgets must be at least 1") }
        _ = try elements()
        _ = try bandGapTarget()
    }

    /// The band-gap target of a targeted run.
    private func bandGapTarget() throws -> CampaignSpec.Target? {
        guard let text = bandGap else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
        guard parts.count == 2, let lo = parts[0], let hi = parts[1], lo >= 0, lo <= hi else {
            throw ValidationError("--band-gap takes MIN:MAX in eV with 0 ≤ MIN ≤ MAX, e.g. 1:3 (got '\(text)')")
        }
        return try CampaignSpec.Target(.bandGap, min: lo, max: hi, use: .probability)
    }

    private func elements() throws -> [[Element]] { try BenchmarkCommand.chemicalSystems(systems) }

    func run() throws {
        var results: [Rediscovery.Result] = []
        var failures = 0
        let potential = try self.potential.load()
        let committeeModels = try committee.models(main: self.potential.model)
        let committee = try committeeModels.map(ModelOptions.load)
        for (text, els) in zip(systems, try elements()) {
            var spec = try CampaignSpec(
                name: "rediscovery", chemicalSystems: [els],
                generators: [.init(kind: .substitution, budget: substitutionBudget, seed: 1),
                             .init(kind: .randomSymmetric, budget: randomBudget, seed: 2, timeLimit: 30)],
                maxAtoms: maxAtoms, model: self.potential.model, committee: committeeModels)
            if let target = try bandGapTarget() {
                spec.targets = [target]
                spec.ranking = .init(method: .pareto, objectives: [.eHull, .target(.bandGap)])
            }
            let dir = URL(fileURLWithPath: out).appendingPathComponent(els.map(\.symbol).joined(separator: "-"))
            let runner = DesignCommand.runner(spec, dir, workers: workers, potential: potential, committee: committee)
            do {
                results.append(try Rediscovery.run(system: els, spec: spec, limit: holdout, outputDirectory: dir,
                                                   potential: potential, committee: committee, workers: workers, hideAnalogues: hideAnalogues,
                                                   log: runner.log))
            } catch {
                printError("error: \(text): \(describe(error))")
                failures += 1
            }
        }
        if json {
            print(try jsonText(encoding: results))
        } else {
            table(results)
        }
        if failures > 0 { throw ExitCode.failure }
    }

    private func table(_ results: [Rediscovery.Result]) {
        let analogues = hideAnalogues ? " analogues hidden |" : ""
        print("| system | hidden | found | rediscovered phases (E_hull eV/atom) | missed |\(analogues) relaxed | wall s (this run) | wall s (all runs) |")
        print("|---|---|---|---|---|" + (hideAnalogues ? "---|" : "") + "---|---|---|")
        for r in results {
            let found = r.hidden.filter(\.found).map { "\($0.formula) (\(String(format: "%.3f", $0.energyAboveHull ?? .nan)))" }
            let missed = r.hidden.filter { !$0.found }.map(\.formula)
            let hidden = hideAnalogues ? " " + r.hidden.map { "\($0.formula) \($0.hiddenAnalogues?.count ?? 0)" }.joined(separator: ", ") + " |" : ""
            print("| \(r.system) | \(r.hidden.count) | \(r.found) | \(found.joined(separator: ", ")) | \(missed.joined(separator: ", ")) |\(hidden) "
                  + "\(r.candidatesRelaxed) | \(String(format: "%.0f", r.wallSeconds)) | \(String(format: "%.0f", r.cumulativeWallSeconds)) |")
        }
        for r in results {
            guard let c = r.committee else { continue }
            let found = r.hidden.filter(\.found).map { p in
                p.formula + (p.energyAboveHullSpread.map { String(format: " spread %.3f", $0) } ?? "") + (p.committeeStable == true ? " (all stable)" : "")
            }
            print("\(r.system): committee \(c.models.joined(separator: ", ")): SUN \(c.sunSingleModel) by the first alone, "
                  + "\(c.sunAgreed) with all agreeing; \(c.modelDependent) verdicts depend on the model"
                  + (found.isEmpty ? "" : "; rediscovered: " + found.joined(separator: ", ")))
        }
        if bandGap != nil { targetedTable(results) }
        let total = results.map(\.wallSeconds).reduce(0, +), cumulative = results.map(\.cumulativeWallSeconds).reduce(0, +)
        print(String(format: "\ntotal wall time: %.0f s this run, %.0f s over all runs", total, cumulative))
    }

    /// Targeted runs: where each hidden phase lands in the targeted ranking and by E_hull alone.
    private func targetedTable(_ results: [Rediscovery.Result]) {
        print("\n| system | hidden phase | MP band gap (eV) | in window | rediscovered | targeted rank | rank by E_hull alone |")
        print("|---|---|---|---|---|---|---|")
        var inWindow: [(Int, Int)] = []
        for r in results {
            for p in r.hidden {
                let rank = { (x: Int?) in x.map(String.init) ?? "–" }
                print("| \(r.system) | \(p.formula) (\(p.materialID)) | \(p.bandGap.map { String(format: "%.2f", $0) } ?? "–") | "
                      + "\(p.meetsTarget == true ? "yes" : "no") | \(p.found ? "yes" : "no") | \(rank(p.rank)) | \(rank(p.stabilityRank)) |")
                if p.meetsTarget == true, let a = p.rank, let b = p.stabilityRank { inWindow.append((a, b)) }
            }
        }
        guard !inWindow.isEmpty else { print("\nno rediscovered phase in the window was ranked"); return }
        let mean = { (xs: [Int]) in Double(xs.reduce(0, +)) / Double(xs.count) }
        let targeted = inWindow.map(\.0), stability = inWindow.map(\.1)
        print(String(format: "\nrediscovered phases in the window: %d; mean rank targeted %.1f, by E_hull alone %.1f; in the top 3: %d targeted, %d by E_hull alone",
                     inWindow.count, mean(targeted), mean(stability), targeted.filter { $0 <= 3 }.count, stability.filter { $0 <= 3 }.count))
    }
}
