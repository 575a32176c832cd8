import Crystal
import CrystalIO
import Foundation
import Generation
import Matching
import Potentials
import ReferenceData
import Thermo

/// The rediscovery benchmark: hide the known stable MP phases of a chemical system from the
/// prototypes and references, run a campaign on it, and count how many hidden phases come back
/// (a relaxed candidate matching the MP structure).
public struct Rediscovery: Sendable {
    /// One hidden phase and what the campaign made of it.
    public struct Phase: Codable, Sendable {
        public var formula: String
        public var materialID: String
        public var found: Bool
        /// Candidate that matched it.
        public var candidate: String?
        /// E_hull (eV/atom) of that candidate on the hull without the hidden phases.
        public var energyAboveHull: Double?
        /// With a committee: the spread of the models' E_hull of that candidate, and whether every
        /// model finds it stable.
        public var energyAboveHullSpread: Double?
        public var committeeStable: Bool?
        /// Prototypes of its structure type hidden with it ("set/id"; other formulas only), or
        /// nil when analogues were not hidden.
        public var hiddenAnalogues: [String]?
        /// Its MP band gap (eV), and whether that lies in the campaign's band-gap target window
        /// (nil without such a target).
        public var bandGap: Double?
        public var meetsTarget: Bool?
        /// Rank of its best-ranked matching candidate in the campaign's ranking, and that
        /// candidate's place when the same ranked candidates are ordered by E_hull alone.
        public var rank: Int?
        public var stabilityRank: Int?
    }

    public struct Result: Codable, Sendable {
        public var system: String
        public var hidden: [Phase]
        public var found: Int { hidden.filter(\.found).count }
        public var candidatesRelaxed: Int
        /// Wall time of this run (s).
        public var wallSeconds: Double
        /// Wall time over every run in this output folder, interrupted and resumed ones included (s).
        public var cumulativeWallSeconds: Double
        public var report: String
        /// With a committee: SUN counts by the relaxing model alone and with every model agreeing.
        public var committee: CampaignSummary.CommitteeCounts?
    }

    /// Stable MP phases containing every element of `system` (at most `maxAtoms` sites in their
    /// built-in structure), lowest-energy structure of each formula; at most `limit` of them.
    public static func hiddenPhases(system: [Element], maxAtoms: Int, limit: Int?) throws
        -> [(formula: String, id: String, structure: Structure, bandGap: Double?)] {
        let els = Set(system)
        let pd = try HullService(elements: els).referencePhaseDiagram()
        let stableFormulas = Set(pd.stableEntries.filter { Set($0.composition.elements) == els }.map(\.composition.reducedFormula))
        let mp = try ReferenceStructures.mp()
        var best: [String: (id: String, e: Double, s: Structure, gap: Double?)] = [:]
        for j in mp.indices where Set(mp.elements(at: j)) == els && mp.siteCount(at: j) <= maxAtoms {
            let f = mp.composition(at: j).reducedFormula
            guard stableFormulas.contains(f) else { continue }
            let rec = mp[j]
            let e = rec.formationEnergyPerAtom ?? 0
            if best[f] == nil || e < best[f]!.e { best[f] = (rec.id, e, rec.structure, rec.bandGap) }
        }
        let sorted = best.keys.sorted().map { (formula: $0, id: best[$0]!.id, structure: best[$0]!.s, bandGap: best[$0]!.gap) }
        return limit.map { Array(sorted.prefix($0)) } ?? sorted
    }

    /// Every prototype of the substitution generator's pool (ordered records of `sources` with at
    /// most `maxAtoms` sites and as many elements) of the same structure type as `structure`: an
    /// anonymous match (`StructureMatcher.fitAnonymous`, pymatgen's default tolerances), species
    /// ignored. Record indices per set.
    public static func analogues(of structure: Structure, maxAtoms: Int,
                                 sources: [ReferenceSet] = ReferenceSet.allCases) throws -> [ReferenceSet: [Int]] {
        let matcher = StructureMatcher()
        let target = matcher.prepare(structure)
        let pattern = anonymousPattern(structure.composition)
        var out: [ReferenceSet: [Int]] = [:]
        for source in sources {
            let set = try ReferenceStructures.shared(source)
            for i in set.indices where set.siteCount(at: i) <= maxAtoms && set.isOrdered(at: i)
                && anonymousPattern(set.composition(at: i)) == pattern
                && matcher.fitAnonymous(matcher.prepare(set.structure(at: i)), target) {
                out[source, default: []].append(i)
            }
        }
        return out
    }

    /// The place of each ranked candidate when the ranked candidates are ordered by E_hull alone
    /// (ties by campaign rank), from 1.
    static func stabilityRanks(_ records: [CandidateRecord]) -> [String: Int] {
        let ranked = records.filter { $0.rank != nil }
            .sorted { ($0.energyAboveHull ?? .infinity, $0.rank!) < ($1.energyAboveHull ?? .infinity, $1.rank!) }
        return Dictionary(uniqueKeysWithValues: ranked.enumerated().map { ($1.id, $0 + 1) })
    }

    /// A composition's site fractions, sorted, to 1e-6: equal for compositions that differ only by
    /// the names of their elements (SrTiO3, KNbO3).
    static func anonymousPattern(_ c: Composition) -> [Int] {
        let total = c.numAtoms
        return c.items.map { Int(($0.1 / total * 1e6).rounded()) }.sorted()
    }

    /// Runs the benchmark for one system with the given campaign settings. With `hideAnalogues`,
    /// every prototype of a hidden phase's structure type (`analogues(of:maxAtoms:)`) is also kept
    /// from the substitution generator, so a phase cannot come back from a one-ion swap on an
    /// isostructural compound (SrTiO3 from SrRuO3). `potential` relaxes, `committee` judges too.
    public static func run(system: [Element], spec base: CampaignSpec, limit: Int?, outputDirectory: URL,
                           potential: LoadedPotential, committee: [LoadedPotential] = [], workers: Int = 2, hideAnalogues: Bool = false,
                           log: @escaping @Sendable (String) -> Void = { _ in }) throws -> Result {
        let started = Date()
        let name = system.map(\.symbol).joined(separator: "-")
        let hidden = try hiddenPhases(system: system, maxAtoms: base.maxAtoms, limit: limit)
        guard !hidden.isEmpty else {
            throw CampaignSpecError(key: "", reason: "\(name) has no stable MP phase with all its elements and at most \(base.maxAtoms) sites to hide")
        }
        log("\(name): hiding \(hidden.map(\.formula).joined(separator: ", "))")
        let hiddenFormulas = Set(hidden.map(\.formula))
        var analogues: [[String]]? = nil
        var hiddenPrototypes: [ReferenceSet: Set<Int>] = [:]
        if hideAnalogues {
            analogues = try hidden.map { h in
                var ids: [String] = []
                for (source, indices) in try Self.analogues(of: h.structure, maxAtoms: base.maxAtoms) {
                    let set = try ReferenceStructures.shared(source)
                    let others = indices.filter { !hiddenFormulas.contains(set.composition(at: $0).reducedFormula) }
                    hiddenPrototypes[source, default: []].formUnion(others)
                    ids += others.map { "\(source.rawValue)/\(set.id(at: $0))" }
                }
                log("\(name): hiding \(ids.count) prototypes of the structure type of \(h.formula) (\(h.id))")
                return ids.sorted()
            }
        }
        var spec = base
        spec.name = "rediscovery-\(name)"
        spec.chemicalSystems = [system]
        var runner = CampaignRunner(spec: spec, outputDirectory: outputDirectory, potential: potential, committee: committee)
        runner.hiddenFormulas = hiddenFormulas
        runner.hiddenPrototypes = hiddenPrototypes
        runner.workers = workers
        runner.log = log
        runner.started = started
        let previous = try KnowledgeStore.exists(runner.storePath)
            ? Double(KnowledgeStore(path: runner.storePath, readOnly: true).meta("seconds") ?? "0") ?? 0 : 0
        let summary = try runner.run()
        let records = try KnowledgeStore(path: runner.storePath).candidates(status: .relaxed)
        let stabilityRank = Self.stabilityRanks(records)
        let window = spec.targets.first { $0.property == .bandGap }
        let matcher = StructureMatcher()
        var phases: [Phase] = []
        for (k, h) in hidden.enumerated() {
            var phase = Phase(formula: h.formula, materialID: h.id, found: false, hiddenAnalogues: analogues?[k])
            phase.bandGap = h.bandGap
            if let window, let gap = h.bandGap { phase.meetsTarget = window.contains(gap) }
            let target = matcher.prepare(h.structure)
            for r in records where r.formula == h.formula {
                guard let text = r.relaxedStructure, let s = try? StructureCoding.decode(text),
                      matcher.fit(matcher.prepare(s), target) else { continue }
                if !phase.found || (r.energyAboveHull ?? .infinity) < (phase.energyAboveHull ?? .infinity) {
                    phase.found = true
                    phase.candidate = r.id
                    phase.energyAboveHull = r.energyAboveHull
                    phase.energyAboveHullSpread = r.energyAboveHullSpread
                    phase.committeeStable = r.committeeStable
                }
                if let rank = r.rank, rank < (phase.rank ?? .max) {
                    phase.rank = rank
                    phase.stabilityRank = stabilityRank[r.id]
                }
            }
            phases.append(phase)
        }
        let finished = Date()
        return Result(system: name, hidden: phases, candidatesRelaxed: records.count,
                      wallSeconds: finished.timeIntervalSince(started),
                      cumulativeWallSeconds: previous + finished.timeIntervalSince(started),
                      report: summary.report, committee: summary.committee)
    }
}
