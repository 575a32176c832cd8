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
    }

    public struct Result: Codable, Sendable {
        public var system: String
        public var hidden: [Phase]
        public var found: Int { hidden.filter(\.found).count }
        public var candidatesRelaxed: Int
        public var wallSeconds: Double
        public var report: String
    }

    /// Stable MP phases containing every element of `system` (at most `maxAtoms` sites in their
    /// built-in structure), lowest-energy structure of each formula; at most `limit` of them.
    public static func hiddenPhases(system: [Element], maxAtoms: Int, limit: Int?) throws -> [(formula: String, id: String, structure: Structure)] {
        let els = Set(system)
        let pd = try HullService(elements: els).referencePhaseDiagram()
        let stableFormulas = Set(pd.stableEntries.filter { Set($0.composition.elements) == els }.map(\.composition.reducedFormula))
        let mp = try ReferenceStructures.mp()
        var best: [String: (id: String, e: Double, s: Structure)] = [:]
        for j in mp.indices where Set(mp.elements(at: j)) == els && mp.siteCount(at: j) <= maxAtoms {
            let f = mp.composition(at: j).reducedFormula
            guard stableFormulas.contains(f) else { continue }
            let rec = mp[j]
            let e = rec.formationEnergyPerAtom ?? 0
            if best[f] == nil || e < best[f]!.e { best[f] = (rec.id, e, rec.structure) }
        }
        let sorted = best.keys.sorted().map { (formula: $0, id: best[$0]!.id, structure: best[$0]!.s) }
        return limit.map { Array(sorted.prefix($0)) } ?? sorted
    }

    /// Runs the benchmark for one system with the given campaign settings.
    public static func run(system: [Element], spec base: CampaignSpec, limit: Int?, outputDirectory: URL,
                           calculator: any Calculator, workers: Int = 2,
                           log: @escaping @Sendable (String) -> Void = { _ in }) throws -> Result {
        let name = system.map(\.symbol).joined(separator: "-")
        let hidden = try hiddenPhases(system: system, maxAtoms: base.maxAtoms, limit: limit)
        guard !hidden.isEmpty else {
            throw CampaignSpecError(key: "", reason: "\(name) has no stable MP phase with all its elements and at most \(base.maxAtoms) sites to hide")
        }
        log("\(name): hiding \(hidden.map(\.formula).joined(separator: ", "))")
        var spec = base
        spec.name = "rediscovery-\(name)"
        spec.chemicalSystems = [system]
        var runner = CampaignRunner(spec: spec, outputDirectory: outputDirectory, calculator: calculator)
        runner.hiddenFormulas = Set(hidden.map(\.formula))
        runner.workers = workers
        runner.log = log
        let summary = try runner.run()
        let records = try KnowledgeStore(path: runner.storePath).candidates(status: .relaxed)
        let matcher = StructureMatcher()
        var phases: [Phase] = []
        for h in hidden {
            var phase = Phase(formula: h.formula, materialID: h.id, found: false)
            let target = matcher.prepare(h.structure)
            for r in records where r.formula == h.formula {
                guard let text = r.relaxedStructure, let s = try? StructureCoding.decode(text),
                      matcher.fit(matcher.prepare(s), target) else { continue }
                if !phase.found || (r.energyAboveHull ?? .infinity) < (phase.energyAboveHull ?? .infinity) {
                    phase.found = true
                    phase.candidate = r.id
                    phase.energyAboveHull = r.energyAboveHull
                }
            }
            phases.append(phase)
        }
        return Result(system: name, hidden: phases, candidatesRelaxed: records.count,
                      wallSeconds: summary.wallSeconds, report: summary.report)
    }
}
