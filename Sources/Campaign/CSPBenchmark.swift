import Crystal
import CrystalIO
import Foundation
import Learning
import Matching
import Potentials
import ReferenceData
import Thermo

/// The crystal-structure-prediction benchmark: for MP ground states of 2–4 elements and 2–20 sites,
/// search the formula's structure with a given strategy (the formula hidden from every reference and
/// prototype), and count a success when a relaxed candidate matches the MP structure
/// (StructureMatcher, pymatgen's defaults). Every method gets the same relaxation budget, batch and seeds.
public enum CSPBenchmark {
    /// One formula to predict: an MP ground state.
    public struct Formula: Codable, Sendable {
        public var formula: String
        public var materialID: String
        public var sites: Int
        public var elements: Int
        public var structure: Structure { get throws { try StructureCoding.decode(coded) } }
        let coded: String
    }

    /// One search of one formula.
    public struct Run: Codable, Sendable {
        public var formula: String
        public var method: String
        public var seed: UInt64
        public var found: Bool
        /// Relaxations done up to and including the first match (nil: not found).
        public var relaxationsToSuccess: Int?
        /// Relaxations done in all.
        public var relaxations: Int
        public var wallSeconds: Double
    }

    /// The search methods compared.
    public static let methods: [CampaignSpec.GeneratorSpec.Kind] = [.evolutionary, .particleSwarm, .randomSymmetric]

    /// Site-count bins of the selection, per number of elements (three formulas per bin).
    static let bins: [(elements: Int, sites: ClosedRange<Int>)] = [
        (2, 2...4), (2, 5...8), (2, 9...12), (2, 13...20),
        (3, 2...6), (3, 7...10), (3, 11...14), (3, 15...20),
        (4, 5...12), (4, 13...20),
    ]

    /// Thirty MP ground states (three per bin of `bins`: binaries, ternaries and quaternaries over
    /// 2–20 sites): the lowest-energy built-in structure of a formula on the MP reference hull,
    /// ordered, taken in the order of the SHA-256 of their material ids (a fixed, unbiased pick).
    public static func formulas(perBin: Int = 3) throws -> [Formula] {
        let mp = try ReferenceStructures.mp()
        let order = mp.indices.filter { j in
            (2...4).contains(mp.elements(at: j).count) && (2...20).contains(mp.siteCount(at: j)) && mp.isOrdered(at: j)
        }.map { (SHA256.hex(mp.id(at: $0)), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
        // The lowest-energy built-in structure of each formula.
        var lowest: [String: (index: Int, energy: Double)] = [:]
        for j in order {
            let f = mp.composition(at: j).reducedFormula, e = mp[j].formationEnergyPerAtom ?? .infinity
            if e < lowest[f]?.energy ?? .infinity { lowest[f] = (j, e) }
        }
        var picked: [[Formula]] = Array(repeating: [], count: bins.count)
        var stable: [[Element]: Set<String>] = [:]
        for j in order {
            let (n, sites) = (mp.elements(at: j).count, mp.siteCount(at: j))
            guard let b = bins.firstIndex(where: { $0.elements == n && $0.sites.contains(sites) }), picked[b].count < perBin else { continue }
            let formula = mp.composition(at: j).reducedFormula
            guard lowest[formula]?.index == j else { continue }
            let system = mp.elements(at: j).sorted { $0.symbol < $1.symbol }
            if stable[system] == nil {
                stable[system] = Set(try HullService(elements: Set(system)).referencePhaseDiagram().stableEntries
                    .map(\.composition.reducedFormula))
            }
            guard stable[system]!.contains(formula) else { continue }
            picked[b].append(Formula(formula: formula, materialID: mp.id(at: j), sites: sites, elements: n,
                                     coded: StructureCoding.encode(mp.structure(at: j))))
            if picked.allSatisfy({ $0.count == perBin }) { break }
        }
        return picked.flatMap { $0 }
    }

    /// Searches one formula with the generator `method` (its seed and proposal budget), relaxing at
    /// most `budget` structures in rounds of `batch`, and stops at the first match.
    public static func run(_ f: Formula, method: CampaignSpec.GeneratorSpec, budget: Int, batch: Int, relaxSteps: Int,
                           outputDirectory: URL, potential: LoadedPotential, workers: Int,
                           log: @escaping @Sendable (String) -> Void = { _ in }) throws -> Run {
        let started = Date()
        let target = try f.structure
        let spec = try CampaignSpec(
            name: "csp-\(f.materialID)-\(method.kind.rawValue)-\(method.seed)", chemicalSystems: [target.composition.elements],
            generators: [method], maxAtoms: f.sites, requireChargeBalance: false, stabilityMargin: .fixed(0),
            fmax: 0.1, relaxSteps: relaxSteps, formulas: [target.composition.reduced],
            // Rounds are not the limit: a round whose proposals are all duplicates relaxes nothing, and every
            // method gets `budget` relaxations (or stops when its proposal budget runs out).
            loop: LoopSpec(rounds: 10 * ((budget + batch - 1) / batch), batch: batch, maxRelaxations: budget))
        var runner = CampaignRunner(spec: spec, outputDirectory: outputDirectory, potential: potential)
        runner.hiddenFormulas = [f.formula]
        runner.workers = workers
        runner.log = log
        let matcher = StructureMatcher()
        let reference = matcher.prepare(target)
        let match = { @Sendable (r: CandidateRecord) -> Bool in
            guard r.status == .relaxed, let s = try? r.structure(relaxed: true) else { return false }
            return matcher.fit(matcher.prepare(s), reference)
        }
        runner.stopRule = { records in records.contains(where: match) ? "the MP structure was found" : nil }
        _ = try runner.run()
        let done = try KnowledgeStore(path: runner.storePath).all().filter { $0.status == .relaxed || $0.status == .failed }
        let first = done.firstIndex(where: match)
        return Run(formula: f.formula, method: method.kind.rawValue, seed: method.seed, found: first != nil,
                   relaxationsToSuccess: first.map { $0 + 1 }, relaxations: done.count,
                   wallSeconds: Date().timeIntervalSince(started))
    }
}
