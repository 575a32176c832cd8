import Crystal
import CrystalIO
import Foundation
import Generation
import Matching
import Thermo

/// What a finished (or resumed) campaign produced.
public struct CampaignSummary: Codable, Sendable {
    public struct Stage: Codable, Sendable {
        public var stage: String
        public var count: Int
    }
    public struct Top: Codable, Sendable {
        public var rank: Int
        public var id: String
        public var formula: String
        public var eHull: Double
        public var isUnique: Bool
        public var isNovel: Bool
        public var spaceGroup: String?
    }
    public var name: String
    public var outputDirectory: String
    public var report: String
    public var csv: String
    public var store: String
    public var funnel: [Stage]
    /// Stable (E_hull ≤ threshold) and unique.
    public var stableUnique: Int
    /// Stable, unique and new.
    public var sun: Int
    public var top: [Top]
    public var wallSeconds: Double
    public var relaxedPerMinute: Double
    public var sunPerCPUHour: Double
    public var reference: String
}

extension CampaignRunner {
    /// E_hull, uniqueness, novelty, objectives, constraints and rank of every relaxed candidate,
    /// then the CSV, CIFs and HTML report. Cheap, so it is recomputed on every run.
    func score(_ store: KnowledgeStore, seconds: Double) throws -> CampaignSummary {
        var all = try store.all()
        let relaxed = all.indices.filter { all[$0].status == .relaxed }
        let structures = try relaxed.map { try StructureCoding.decode(all[$0].relaxedStructure!) }
        let targetElements = spec.elements
        let inTarget = { (c: Composition) in Set(c.elements).isSubset(of: targetElements) }

        // Hull: MP reference of the target elements plus the campaign's own candidates.
        log("scoring: hull, uniqueness and novelty of \(relaxed.count) relaxed candidates")
        let compat = try MP2020Compatibility.bundled()
        let refs = try MPElementalReferences.bundled()
        let mpAll = try MPReference.entries()
        let knownFormulas = Set(mpAll.lazy.filter { inTarget($0.composition) }.map(\.composition.reducedFormula))
        let mpEntries = mpAll.filter { inTarget($0.composition) && !hiddenFormulas.contains($0.composition.reducedFormula) }
        var candidateEntries: [ThermoEntry] = []
        for (k, i) in relaxed.enumerated() {
            let c = structures[k].composition
            let total = all[i].finalEnergyPerAtom! * c.numAtoms + (mp2020Corrections ? compat.correction(for: c) : 0)
            all[i].correctedEnergyPerAtom = total / c.numAtoms
            let f = try refs.formationEnergyPerAtom(of: c, energy: total)
            candidateEntries.append(try ThermoEntry(composition: c, energyPerAtom: f, id: all[i].id))
        }
        var hulls: [(system: String, svg: String)] = []
        if !relaxed.isEmpty || !mpEntries.isEmpty {
            let pd = try PhaseDiagram(entries: mpEntries + candidateEntries)
            var results: [HullResult] = []
            for (k, i) in relaxed.enumerated() {
                let r = pd.analyze(index: mpEntries.count + k, phaseSeparation: false)
                results.append(r)
                all[i].formationEnergyPerAtom = r.formationEnergyPerAtom
                all[i].eHull = max(0, r.energyAboveHull)
                all[i].decomposition = r.decomposition.map {
                    "\($0.entry.composition.reducedFormula) \(String(format: "%.3f", $0.fraction))"
                }.joined(separator: " + ")
            }
            for system in spec.chemicalSystems where system.count == 2 || system.count == 3 {
                let mine = results.filter { Set($0.entry.composition.elements).isSubset(of: Set(system)) }
                if let svg = try? Thermo.HullPlot.svg(pd, elements: system, highlight: mine) {
                    hulls.append((system.map(\.symbol).joined(separator: "-"), svg))
                }
            }
        }

        // Uniqueness among the relaxed candidates: the lowest-energy member of each group.
        let matcher = StructureMatcher()
        for group in matcher.group(structures) {
            let members = group.map { relaxed[$0] }
            let best = members.min { (all[$0].finalEnergyPerAtom!, all[$0].ordinal) < (all[$1].finalEnergyPerAtom!, all[$1].ordinal) }!
            for m in members { all[m].isUnique = (m == best) }
        }

        // Novelty against the built-in MP structures of the target elements.
        let mp = try ReferenceStructures.mp()
        var refIDs: [String] = []
        var refStructures: [Structure] = []
        for j in mp.indices where Set(mp.elements(at: j)).isSubset(of: targetElements) {
            let s = mp.structure(at: j)
            if hiddenFormulas.contains(s.reducedFormula) { continue }
            refIDs.append(mp.id(at: j))
            refStructures.append(s)
        }
        let index = StructureIndex(references: refStructures, matcher: matcher)
        for (k, i) in relaxed.enumerated() {
            let hits = index.matches(structures[k], firstOnly: true)
            all[i].isNovel = hits.isEmpty
            all[i].noveltyMatch = hits.first.map { refIDs[$0] }
            all[i].knownFormula = knownFormulas.contains(all[i].formula)
        }

        // Objectives and hard constraints.
        for (k, i) in relaxed.enumerated() {
            let frac = structures[k].composition.fractional
            all[i].hhi = frac.items.reduce(0) { $0 + $1.1 * ($1.0.data.hhiProduction ?? 0) }
            all[i].abundance = frac.items.reduce(0) { $0 + $1.1 * ($1.0.data.crustalAbundance ?? 0) }
            var v: [String] = []
            let c = spec.constraints
            if let m = c.maxEHull, all[i].eHull! > m { v.append("E_hull > \(m)") }
            if let m = c.maxHHI, all[i].hhi! > m { v.append("HHI > \(m)") }
            if let m = c.minAbundance, all[i].abundance! < m { v.append("abundance < \(m)") }
            if let m = c.maxElements, all[i].nElements > m { v.append("elements > \(m)") }
            if all[i].relaxOutcome != "converged" { v.append("relaxation \(all[i].relaxOutcome ?? "unfinished")") }
            all[i].violations = v.isEmpty ? nil : v.joined(separator: ", ")
        }

        // Rank: E_hull first (to 1 meV/atom), then the weighted objectives.
        let o = spec.objectives
        func objective(_ r: CandidateRecord) -> Double {
            o.supplyRisk * (r.hhi ?? 0) / 10_000 + o.abundance * -log10(max(r.abundance ?? 1, 1e-12)) + o.elements * Double(r.nElements)
        }
        for i in all.indices { all[i].rank = nil }
        let eligible = relaxed.filter { all[$0].violations == nil }.sorted { a, b in
            let ea = (all[a].eHull! * 1000).rounded(), eb = (all[b].eHull! * 1000).rounded()
            if ea != eb { return ea < eb }
            let oa = objective(all[a]), ob = objective(all[b])
            if oa != ob { return oa < ob }
            return all[a].ordinal < all[b].ordinal
        }
        for (r, i) in eligible.enumerated() { all[i].rank = r + 1 }
        try store.update(relaxed.map { all[$0] })

        return try writeOutputs(all, hulls: hulls, seconds: seconds)
    }

    private func writeOutputs(_ all: [CandidateRecord], hulls: [(system: String, svg: String)], seconds: Double) throws -> CampaignSummary {
        let ranked = all.filter { $0.rank != nil }.sorted { $0.rank! < $1.rank! }
        let rest = all.filter { $0.rank == nil && ($0.status == .relaxed || $0.status == .failed) }
        let relaxed = all.filter { $0.status == .relaxed }
        // Only a converged relaxation can support a stability claim.
        let stable = relaxed.filter { $0.eHull! <= spec.stabilityThreshold && $0.relaxOutcome == "converged" }
        let stableUnique = stable.filter { $0.isUnique == true }
        let sun = stableUnique.filter { $0.isNovel == true }
        let funnel: [(stage: String, count: Int)] = [
            ("generated", all.count),
            ("valid", all.filter { $0.status != .invalid }.count),
            ("unique before relaxation", all.filter { $0.status != .invalid && $0.status != .duplicate }.count),
            ("relaxed", relaxed.count),
            ("stable (converged, E_hull ≤ \(spec.stabilityThreshold) eV/atom)", stable.count),
            ("stable and unique", stableUnique.count),
            ("stable, unique and new (SUN)", sun.count),
        ]

        // CSV and CIFs.
        let cifDir = outputDirectory.appendingPathComponent("cif")
        try? FileManager.default.removeItem(at: cifDir)
        try FileManager.default.createDirectory(at: cifDir, withIntermediateDirectories: true)
        var csv = "rank,id,formula,e_hull,formation_energy_per_atom,energy_per_atom,corrected_energy_per_atom,decomposition,"
            + "space_group,unique,novel,novelty_match,known_formula,hhi,abundance,n_sites,generator,parent,substitution,"
            + "relax_outcome,relax_steps,status,violations\n"
        func q(_ s: String?) -> String {
            guard let s else { return "" }
            return s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        func n(_ x: Double?) -> String { x.map { String(format: "%.6f", $0) } ?? "" }
        func b(_ x: Bool?) -> String { x.map { $0 ? "true" : "false" } ?? "" }
        let writer = CIFWriter()
        for r in ranked + rest {
            csv += [r.rank.map(String.init) ?? "", r.id, r.formula, n(r.eHull), n(r.formationEnergyPerAtom), n(r.finalEnergyPerAtom),
                    n(r.correctedEnergyPerAtom), q(r.decomposition), q(r.spaceGroupAfter), b(r.isUnique), b(r.isNovel),
                    r.noveltyMatch ?? "", b(r.knownFormula), n(r.hhi), n(r.abundance), String(r.nSites), r.generator,
                    q(r.parent), q(r.substitution), r.relaxOutcome ?? "", r.relaxSteps.map(String.init) ?? "",
                    r.status.rawValue, q(r.violations ?? r.error)].joined(separator: ",") + "\n"
            if let rank = r.rank, let text = r.relaxedStructure, let s = try? StructureCoding.decode(text) {
                let name = String(format: "%03d-%@-%@.cif", rank, r.formula, r.id)
                try writer.string(s, blockName: "\(r.formula)_\(r.id)").write(to: cifDir.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
        }
        let csvURL = outputDirectory.appendingPathComponent("candidates.csv")
        try csv.write(to: csvURL, atomically: true, encoding: .utf8)

        let meta = (try? MPReference.metadata()) ?? [:]
        let reference = "Materials Project reference \(meta["version"] ?? "") (\(meta["entries"] ?? "?") formation energies; CC-BY-4.0, Jain et al. 2013)"
        let provenance = [
            reference,
            "Novelty: StructureMatcher (ltol 0.2, stol 0.3, angle_tol 5) against the built-in MP structures (36,737, legacy MP about 2018)",
            "Energies: \(calculator.name)" + (mp2020Corrections ? " with MP2020 corrections" : " (already on MP2020's scale)")
                + ", MP elemental reference energies (matbench-discovery 2023-02-07)",
        ] + (hiddenFormulas.isEmpty ? [] : ["Hidden from prototypes and references: \(hiddenFormulas.sorted().joined(separator: ", "))"])
        let report = CampaignReport(spec: spec, records: ranked + rest, funnel: funnel, hulls: hulls,
                                    provenance: provenance, wallSeconds: seconds)
        let reportURL = outputDirectory.appendingPathComponent("report.html")
        try report.html().write(to: reportURL, atomically: true, encoding: .utf8)

        let relaxSeconds = relaxed.compactMap(\.relaxSeconds).reduce(0, +)
        return CampaignSummary(
            name: spec.name, outputDirectory: outputDirectory.path, report: reportURL.path, csv: csvURL.path, store: storePath,
            funnel: funnel.map { CampaignSummary.Stage(stage: $0.stage, count: $0.count) },
            stableUnique: stableUnique.count, sun: sun.count,
            top: ranked.prefix(10).map {
                CampaignSummary.Top(rank: $0.rank!, id: $0.id, formula: $0.formula, eHull: $0.eHull!,
                                    isUnique: $0.isUnique ?? false, isNovel: $0.isNovel ?? false, spaceGroup: $0.spaceGroupAfter)
            },
            wallSeconds: seconds,
            relaxedPerMinute: seconds > 0 ? Double(relaxed.count) / (seconds / 60) : 0,
            sunPerCPUHour: relaxSeconds > 0 ? Double(sun.count) / (relaxSeconds / 3600) : 0,
            reference: reference)
    }
}
