import Crystal
import Evaluation
import Diffusion
import Foundation
import Potentials
import TOMLKit
import KilnSupport
import Search
import Thermo

/// A design campaign as written in its TOML file (every key is documented in docs/campaign.md).
public struct CampaignSpec: Sendable, Equatable {
    /// One generator with its budget and seed.
    public struct GeneratorSpec: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable {
            case substitution, randomSymmetric = "random_symmetric", evolutionary, particleSwarm = "particle_swarm"
            case rlComposition = "rl_composition", diffusion
        }
        public var kind: Kind
        /// Candidates to generate.
        public var budget: Int
        public var seed: UInt64
        /// Random search: attempts per candidate before giving up on it.
        public var maxAttempts: Int = 200
        /// Random search: wall-time limit in seconds for the whole generator.
        public var timeLimit: Double = 60
        /// Evolutionary search: operator rates, population and selection.
        public var evolution = EvolutionParameters()
        /// Particle-swarm search: swarm size, inertia, pulls and regeneration (its `generator` is set
        /// from `maxAttempts` and `timeLimit` when the strategy is made).
        public var swarm = ParticleSwarmSearch.Parameters()
        /// RL composition agent: agent, training and reward weights.
        public var agent = RLCompositionSearch.Parameters()
        /// Diffusion generator: the model (shipped name or file), its sampling and property target.
        public var diffusion = DiffusionGeneratorSettings()

        public init(kind: Kind, budget: Int, seed: UInt64, maxAttempts: Int = 200, timeLimit: Double = 60) {
            self.kind = kind
            self.budget = budget
            self.seed = seed
            self.maxAttempts = maxAttempts
            self.timeLimit = timeLimit
        }
    }

    /// The `kind = "diffusion"` keys.
    public struct DiffusionGeneratorSettings: Sendable, Equatable, CustomStringConvertible {
        public var model = ""
        public var guidance = 1.0
        /// Langevin corrector step; nil: the model's preset's recommendation.
        public var stepSize: Double?
        /// Value of the model's conditioning property to steer towards.
        public var property: Double?
        public init() {}
        public var description: String { "\(model)/\(guidance)/\(stepSize.map { "\($0)" } ?? "-")/\(property.map { "\($0)" } ?? "-")" }
    }

    /// Where the stability margin comes from (`[stability] margin`; docs/metrics.md, "Stability margin").
    public enum MarginSetting: Sendable, Equatable {
        /// Measured per target system on its MP hull compounds (`MarginMeasurer`).
        case measured
        /// This many eV/atom (≥ 0) for every system.
        case fixed(Double)
    }

    /// Hard limits a candidate must satisfy to be reported.
    public struct Constraints: Sendable, Equatable {
        public var maxEHull: Double?
        public var maxHHI: Double?
        public var minAbundance: Double?
        public var maxElements: Int?
        /// No imaginary phonon frequency beyond the noise tolerance (Dynamics.PhononCalculator with the
        /// campaign's potential), computed only for converged unique candidates with E_hull ≤ the
        /// stability threshold.
        public var dynamicallyStable = false
        /// The learned synthesizability score (Synthesis.SynthesizabilityModel, shipped) at or above
        /// its decision threshold; scored for every converged unique candidate.
        public var synthesizable = false
        /// Survives an anneal at `thermalTemperature` K for `thermalTime` ps with the campaign's
        /// potential (Dynamics.ThermalRobustness verdict "robust"), assessed only for candidates that
        /// pass the stability (and, when required, phonon) checks.
        public var thermallyRobust = false
        public var thermalTemperature = 1000.0
        public var thermalTime = 2.0

        public init(maxEHull: Double? = nil, maxHHI: Double? = nil, minAbundance: Double? = nil, maxElements: Int? = nil,
                    dynamicallyStable: Bool = false, synthesizable: Bool = false, thermallyRobust: Bool = false,
                    thermalTemperature: Double = 1000, thermalTime: Double = 2) {
            self.maxEHull = maxEHull
            self.maxHHI = maxHHI
            self.minAbundance = minAbundance
            self.maxElements = maxElements
            self.dynamicallyStable = dynamicallyStable
            self.synthesizable = synthesizable
            (self.thermallyRobust, self.thermalTemperature, self.thermalTime) = (thermallyRobust, thermalTemperature, thermalTime)
        }
    }

    /// Weights of the secondary ranking objectives (E_hull always ranks first).
    public struct Objectives: Sendable, Equatable {
        public var supplyRisk: Double = 0
        public var abundance: Double = 0
        public var elements: Double = 0

        public init(supplyRisk: Double = 0, abundance: Double = 0, elements: Double = 0) {
            self.supplyRisk = supplyRisk
            self.abundance = abundance
            self.elements = elements
        }
    }

    /// How ranked candidates are ordered: the weighted rule, or Pareto fronts over chosen objectives.
    public struct Ranking: Sendable, Equatable {
        public enum Method: String, Sendable, CaseIterable { case weighted, pareto }

        /// A quantity the Pareto ranking minimises.
        public enum Objective: Sendable, Hashable {
            /// Energy above the hull (eV/atom).
            case eHull
            /// Composition-averaged HHI of production.
            case supplyRisk
            /// −log10 of the composition-averaged crustal abundance (ppm).
            case abundance
            /// Number of elements.
            case nElements
            /// A `[targets]` entry used as "objective" (its distance) or "probability" (1 − P).
            case target(TargetProperty)

            /// The objectives that need no target.
            public static let fixed: [Objective] = [.eHull, .supplyRisk, .abundance, .nElements]

            /// The `[ranking] objectives` name, e.g. "e_hull" or "target:band_gap".
            public var name: String {
                switch self {
                case .eHull: "e_hull"
                case .supplyRisk: "supply_risk"
                case .abundance: "abundance"
                case .nElements: "n_elements"
                case .target(let p): "target:" + p.rawValue
                }
            }

            public init?(name: String) {
                if let o = Self.fixed.first(where: { $0.name == name }) {
                    self = o
                } else if name.hasPrefix("target:"), let p = TargetProperty(rawValue: String(name.dropFirst(7))) {
                    self = .target(p)
                } else {
                    return nil
                }
            }
        }

        public var method: Method
        /// The Pareto objectives (two or more, distinct); unused by the weighted rule.
        public var objectives: [Objective]

        public init(method: Method = .weighted, objectives: [Objective] = [.eHull, .supplyRisk]) {
            self.method = method
            self.objectives = objectives
        }
    }

    public var name: String
    /// Chemical systems to explore, each a sorted element list ("Li-Mn-O" → [Li, Mn, O]).
    public var chemicalSystems: [[Element]]
    public var forbiddenElements: Set<Element> = []
    public var maxAtoms: Int = 20
    public var requireChargeBalance: Bool = true
    /// Reduced compositions candidates must have (`[target] formulas`: crystal structure prediction);
    /// empty: any composition of the chemical systems.
    public var formulas: [Composition] = []
    public var generators: [GeneratorSpec]
    /// Rounds of the closed loop (`[loop]`); nil: one round.
    public var loop: LoopSpec?
    /// What stable, unique and new mean (docs/metrics.md): the threshold, the convergence rule and
    /// which member of a group of matching candidates is unique.
    public var verdicts = VerdictRules.campaign
    /// The stability margin: measured per target system before scoring, or fixed (0 turns it off).
    public var stabilityMargin = MarginSetting.measured
    public var objectives = Objectives()
    public var ranking = Ranking()
    public var constraints = Constraints()
    public var fmax: Double = 0.05
    public var relaxSteps: Int = 500
    /// The potential that relaxes and scores the candidates (`[relax] model`).
    public var model = PotentialModel.default
    /// Further models that judge each relaxed structure by a single point (`[relax] committee`):
    /// their E_hull spread is the verdict's uncertainty. Neither repeated nor the main model.
    public var committee: [PotentialModel] = []
    /// A candidate is stable only when every model of the committee finds it stable
    /// (`[relax] require_agreement`; needs a committee).
    public var requireAgreement = false
    /// The hull reference candidates are judged against (`[hull] reference`): the MP formation
    /// energies, or the bundled MP structures relaxed with the campaign's potential (`.mlip`).
    public var hullReference = HullService.Reference.materialsProject
    public var output: String
    /// Structure files written for the ranked candidates (`[export] formats`, docs/campaign.md).
    public var exportFormats: [ExportFormat] = [.cif]
    /// Property windows (`[targets]`), in `TargetProperty` order.
    public var targets: [Target] = []
    /// Before relaxation, a candidate whose probability of meeting a "constraint" target is below
    /// this is screened out (`[targets] min_probability`).
    public var minTargetProbability = 0.05

    /// A campaign from typed values (the TOML reader's defaults otherwise); throws for the rules
    /// that span several keys.
    public init(name: String, chemicalSystems: [[Element]], generators: [GeneratorSpec], output: String? = nil,
                forbiddenElements: Set<Element> = [], maxAtoms: Int = 20, requireChargeBalance: Bool = true,
                verdicts: VerdictRules = .campaign, stabilityMargin: MarginSetting = .measured,
                objectives: Objectives = Objectives(), ranking: Ranking = Ranking(), constraints: Constraints = Constraints(),
                fmax: Double = 0.05, relaxSteps: Int = 500, model: PotentialModel = .default,
                committee: [PotentialModel] = [], requireAgreement: Bool = false, exportFormats: [ExportFormat] = [.cif],
                targets: [Target] = [], minTargetProbability: Double = 0.05, formulas: [Composition] = [],
                loop: LoopSpec? = nil) throws {
        self.name = name
        self.formulas = formulas
        self.loop = loop
        self.chemicalSystems = chemicalSystems.map { $0.sorted { $0.symbol < $1.symbol } }
        self.generators = generators
        self.output = output ?? "kiln-out/\(name)"
        self.forbiddenElements = forbiddenElements
        self.maxAtoms = maxAtoms
        self.requireChargeBalance = requireChargeBalance
        self.verdicts = verdicts
        self.stabilityMargin = stabilityMargin
        self.objectives = objectives
        self.ranking = ranking
        self.constraints = constraints
        self.fmax = fmax
        self.relaxSteps = relaxSteps
        self.model = model
        self.committee = committee
        self.requireAgreement = requireAgreement
        self.exportFormats = exportFormats
        self.targets = targets.sorted { a, b in
            TargetProperty.allCases.firstIndex(of: a.property)! < TargetProperty.allCases.firstIndex(of: b.property)!
        }
        self.minTargetProbability = minTargetProbability
        try validate()
    }

    /// Every element a candidate may contain.
    public var elements: Set<Element> { Set(chemicalSystems.flatMap { $0 }).subtracting(forbiddenElements) }

    /// E_hull (eV/atom) at or below which a candidate counts as stable.
    public var stabilityThreshold: Double { verdicts.stabilityThreshold }

    private func validate() throws {
        // The name becomes a folder under kiln-out/ (and a file-name part): no path tricks.
        let plain = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-_. "))
        guard !name.isEmpty, !name.hasPrefix("."), name.unicodeScalars.allSatisfy(plain.contains) else {
            throw CampaignSpecError(key: "name", reason: "'\(name)' is not a plain name (letters, digits, spaces, '-', '_', '.'; not starting with '.')")
        }
        guard !chemicalSystems.isEmpty, chemicalSystems.allSatisfy({ !$0.isEmpty && Set($0).count == $0.count }) else {
            throw CampaignSpecError(key: "target.chemical_systems", reason: "name at least one chemical system (e.g. [\"Li-Mn-O\"]) or target.elements")
        }
        if Set(chemicalSystems.flatMap { $0 }).isSubset(of: forbiddenElements) {
            throw CampaignSpecError(key: "target.forbidden_elements", reason: "forbids every target element")
        }
        if let repeated = committee.first(where: { m in m == model || committee.filter { $0 == m }.count > 1 }) {
            throw CampaignSpecError(key: "relax.committee", reason: "'\(repeated.rawValue)' is "
                                    + (repeated == model ? "the main model (relax.model); list the other models" : "listed twice"))
        }
        if requireAgreement && committee.isEmpty {
            throw CampaignSpecError(key: "relax.require_agreement", reason: "needs a committee (relax.committee = [\"…\"])")
        }
        guard !exportFormats.isEmpty, Set(exportFormats).count == exportFormats.count else {
            throw CampaignSpecError(key: "export.formats", reason: "list each of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")) at most once, and at least one")
        }
        guard ranking.objectives.count >= 2, Set(ranking.objectives).count == ranking.objectives.count else {
            throw CampaignSpecError(key: "ranking.objectives", reason: "name at least two distinct objectives among \(Ranking.Objective.fixed.map(\.name).joined(separator: ", ")) and target:<property>")
        }
        guard Set(targets.map(\.property)).count == targets.count else {
            throw CampaignSpecError(key: "targets", reason: "name each property at most once")
        }
        guard (0...1).contains(minTargetProbability) else {
            throw CampaignSpecError(key: "targets.min_probability", reason: "must be between 0 and 1, not \(minTargetProbability)")
        }
        for case .target(let p) in ranking.objectives {
            guard let t = targets.first(where: { $0.property == p }), t.use != .constraint else {
                throw CampaignSpecError(key: "ranking.objectives", reason: "target:\(p.rawValue) needs a [targets] \(p.rawValue) entry with use = \"objective\" or \"probability\"")
            }
        }
        for f in formulas {
            guard chemicalSystems.contains(f.elements.sorted { $0.symbol < $1.symbol }) else {
                throw CampaignSpecError(key: "target.formulas", reason: "\(f.reducedFormula) is not made of exactly the elements of a target chemical system")
            }
            let size = Int(f.reduced.numAtoms.rounded())
            guard size <= maxAtoms else {
                throw CampaignSpecError(key: "target.formulas", reason: "\(f.reducedFormula) has \(size) atoms per formula unit, more than max_atoms \(maxAtoms)")
            }
        }
        if let i = generators.firstIndex(where: { $0.kind == .rlComposition && $0.agent.weights.target > 0 }),
           !targets.contains(where: { $0.property.stage == .learned }) {
            throw CampaignSpecError(key: "generators[\(i)].target_weight", reason: "needs a [targets] entry with a learned property (\(TargetProperty.allCases.filter { $0.stage == .learned }.map(\.rawValue).joined(separator: ", ")))")
        }
        if !formulas.isEmpty, let i = generators.firstIndex(where: { $0.kind == .rlComposition }) {
            throw CampaignSpecError(key: "generators[\(i)].kind", reason: "rl_composition chooses compositions, so it cannot be used with target.formulas")
        }
        guard !generators.isEmpty else {
            throw CampaignSpecError(key: "generators", reason: "add at least one [[generators]] table (kind = \"substitution\" or \"random_symmetric\")")
        }
    }
}

/// A structure-file format of a campaign's ranked candidates.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// Symmetrised CIF (conventional standard cell) with `_kiln_` energy, stability and provenance items.
    case cif
    /// VASP POSCAR (`.vasp`) of the relaxed cell.
    case poscar
    /// Extended XYZ with energies in the comment line and magnetic moments as a column.
    case extxyz
}

/// A campaign-file problem, naming the key and why it was rejected.
public struct CampaignSpecError: Error, CustomStringConvertible, Equatable {
    public let key: String
    public let reason: String
    public var description: String { key.isEmpty ? reason : "campaign key '\(key)': \(reason)" }

    public init(key: String, reason: String) {
        (self.key, self.reason) = (key, reason)
    }
}

extension CampaignSpec {
    /// Reads and validates a campaign file.
    public init(contentsOf url: URL) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw CampaignSpecError(key: "", reason: "cannot read \(url.path): \(ErrorText.describe(error))")
        }
        try self.init(toml: text, defaultOutput: url.deletingPathExtension().lastPathComponent)
    }

    /// Parses and validates campaign TOML text.
    public init(toml text: String, defaultOutput: String = "campaign") throws {
        let root: TOMLTable
        do { root = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw CampaignSpecError(key: "", reason: "TOML syntax error at line \(e.source.begin.line), column \(e.source.begin.column): \(e.description)")
        }
        var r = TableReader(root, path: "")
        let name = try r.string("name") ?? defaultOutput
        let output = try r.string("output")

        var t = try r.table("target")
        var systems: [[Element]] = []
        for s in try t.strings("chemical_systems") ?? [] {
            let els = try s.split(separator: "-").map { sym -> Element in
                do { return try Element(String(sym).trimmingCharacters(in: .whitespaces)) } catch {
                    throw CampaignSpecError(key: "target.chemical_systems", reason: "unknown element '\(sym)' in '\(s)'")
                }
            }
            guard !els.isEmpty, Set(els).count == els.count else {
                throw CampaignSpecError(key: "target.chemical_systems", reason: "'\(s)' is not a chemical system like \"Li-Mn-O\"")
            }
            systems.append(els)
        }
        if let els = try t.elements("elements") { systems.append(els) }
        let formulas = try (t.strings("formulas") ?? []).map { f -> Composition in
            let c: Composition
            do { c = try Composition(f) } catch {
                throw CampaignSpecError(key: "target.formulas", reason: "'\(f)' is not a formula: \(ErrorText.describe(error))")
            }
            guard c.numAtoms > 0, c.elements.allSatisfy({ c[$0] > 0 && c[$0] == c[$0].rounded() }) else {
                throw CampaignSpecError(key: "target.formulas", reason: "'\(f)' must have whole, positive atom counts")
            }
            return c
        }
        if !formulas.isEmpty {
            guard systems.isEmpty else {
                throw CampaignSpecError(key: "target.formulas", reason: "give either formulas or chemical_systems/elements: the formulas set the systems")
            }
            for f in formulas where !systems.contains(f.elements.sorted { $0.symbol < $1.symbol }) {
                systems.append(f.elements)
            }
        }
        let forbidden = Set(try t.elements("forbidden_elements") ?? [])
        let maxAtoms = try t.int("max_atoms", in: 1...200) ?? 20
        // Structure prediction of given formulas does not ask for charge balance unless told to.
        let chargeBalance = try t.bool("charge_balance") ?? formulas.isEmpty
        try t.finish()

        var st = try r.table("stability")
        var verdicts = VerdictRules.campaign
        verdicts.stabilityThreshold = try st.double("threshold", in: 0...5) ?? verdicts.stabilityThreshold
        verdicts.requireConverged = try st.bool("require_converged") ?? verdicts.requireConverged
        if let u = try st.string("unique_by") {
            guard let rep = VerdictRules.Representative(rawValue: u) else {
                throw CampaignSpecError(key: "stability.unique_by", reason: "must be one of \(VerdictRules.Representative.allCases.map(\.rawValue).joined(separator: ", ")), not '\(u)'")
            }
            verdicts.representative = rep
        }
        var margin = MarginSetting.measured
        switch try st.stringOrNumber("margin", in: 0...5) {
        case .string(let text)? where text == "measured": margin = .measured
        case .string(let text)?:
            throw CampaignSpecError(key: "stability.margin", reason: "must be \"measured\" or a number of eV/atom ≥ 0, not '\(text)'")
        case .number(let m)?: margin = .fixed(m)
        case nil: break
        }
        try st.finish()

        var rx = try r.table("relax")
        let fmax = try rx.double("fmax", in: 1e-4...10) ?? 0.05
        let relaxSteps = try rx.int("steps", in: 1...100_000) ?? 500
        let model = try rx.string("model").map { try PotentialModel(named: $0, key: "relax.model") } ?? .default
        let committee = try rx.strings("committee")?.map { try PotentialModel(named: $0, key: "relax.committee") }
        if committee?.isEmpty == true {
            throw CampaignSpecError(key: "relax.committee", reason: "name at least one model (\(PotentialModel.names)), or leave the key out")
        }
        let requireAgreement = try rx.bool("require_agreement") ?? false
        try rx.finish()

        var hl = try r.table("hull")
        let hullReference = try hl.string("reference").map { text -> HullService.Reference in
            guard let reference = HullService.Reference(rawValue: text), reference != .none else {
                throw CampaignSpecError(key: "hull.reference", reason: "must be \"mp\" or \"mlip\", not '\(text)'")
            }
            return reference
        }
        try hl.finish()

        var ob = try r.table("objectives")
        let objectives = Objectives(supplyRisk: try ob.double("supply_risk", in: 0...1000) ?? 0,
                                    abundance: try ob.double("abundance", in: 0...1000) ?? 0,
                                    elements: try ob.double("n_elements", in: 0...1000) ?? 0)
        try ob.finish()

        var rk = try r.table("ranking")
        let methodText = try rk.string("method")
        let method = try methodText.map { m -> Ranking.Method in
            guard let method = Ranking.Method(rawValue: m) else {
                throw CampaignSpecError(key: "ranking.method", reason: "must be \"weighted\" or \"pareto\", not '\(m)'")
            }
            return method
        } ?? .weighted
        let paretoObjectives = try rk.strings("objectives")?.map { o -> Ranking.Objective in
            guard let objective = Ranking.Objective(name: o) else {
                throw CampaignSpecError(key: "ranking.objectives", reason: "must be among \(Ranking.Objective.fixed.map(\.name).joined(separator: ", ")) and target:<property> (\(TargetProperty.allCases.map(\.rawValue).joined(separator: ", "))), not '\(o)'")
            }
            return objective
        }
        if paretoObjectives != nil && method != .pareto {
            throw CampaignSpecError(key: "ranking.objectives", reason: "applies only with method = \"pareto\"")
        }
        try rk.finish()
        let ranking = Ranking(method: method, objectives: paretoObjectives ?? Ranking().objectives)

        var co = try r.table("constraints")
        let constraints = Constraints(maxEHull: try co.double("max_e_hull", in: 0...10),
                                      maxHHI: try co.double("max_hhi", in: 0...10_000),
                                      minAbundance: try co.double("min_abundance", in: 0...1e6),
                                      maxElements: try co.int("max_elements", in: 1...10),
                                      dynamicallyStable: try co.bool("dynamically_stable") ?? false,
                                      synthesizable: try co.bool("synthesizable") ?? false,
                                      thermallyRobust: try co.bool("thermally_robust") ?? false,
                                      thermalTemperature: try co.double("thermal_temperature", in: 10...5000) ?? 1000,
                                      thermalTime: try co.double("thermal_time", in: 0.1...100) ?? 2)
        try co.finish()

        var tg = try r.table("targets")
        let minProbability = try tg.double("min_probability", in: 0...1) ?? 0.05
        var targets: [Target] = []
        for key in tg.keys where key != "min_probability" {
            guard let property = TargetProperty(rawValue: key) else {
                throw CampaignSpecError(key: "targets.\(key)", reason: "unknown property; use one of \(TargetProperty.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var w = try tg.table(key)
            let useText = try w.string("use")
            let use = try useText.map { u -> Target.Use in
                guard let use = Target.Use(rawValue: u) else {
                    throw CampaignSpecError(key: "targets.\(key).use", reason: "must be one of \(Target.Use.allCases.map(\.rawValue).joined(separator: ", ")), not '\(u)'")
                }
                return use
            } ?? .objective
            targets.append(try Target(property, min: try w.double("min", in: -1e12...1e12), max: try w.double("max", in: -1e12...1e12), use: use))
            try w.finish()
        }
        try tg.finish()

        var ex = try r.table("export")
        let formats = try ex.strings("formats")?.map { f -> ExportFormat in
            guard let format = ExportFormat(rawValue: f) else {
                throw CampaignSpecError(key: "export.formats", reason: "must be among \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")), not '\(f)'")
            }
            return format
        }
        try ex.finish()

        var lp = try r.table("loop")
        let loop = try LoopSpec(&lp)

        let gens = try r.tables("generators").enumerated().map { i, g in
            var g = g
            return try GeneratorSpec(&g, index: i)
        }
        try r.finish()
        try self.init(name: name, chemicalSystems: systems, generators: gens, output: output, forbiddenElements: forbidden,
                      maxAtoms: maxAtoms, requireChargeBalance: chargeBalance, verdicts: verdicts, stabilityMargin: margin, objectives: objectives,
                      ranking: ranking, constraints: constraints, fmax: fmax, relaxSteps: relaxSteps, model: model,
                      committee: committee ?? [], requireAgreement: requireAgreement, exportFormats: formats ?? [.cif],
                      targets: targets, minTargetProbability: minProbability, formulas: formulas, loop: loop)
        self.hullReference = hullReference ?? .materialsProject
        if self.hullReference == .mlip && !self.committee.isEmpty {
            throw CampaignSpecError(key: "hull.reference", reason: "the committee judges every model on the MP reference; "
                                    + "\"mlip\" cannot go with relax.committee yet")
        }
    }
}

extension PotentialModel {
    /// Every model name, for error messages.
    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The model named `name`; an unknown name is an error naming `key` and the known models.
    init(named name: String, key: String) throws {
        guard let model = PotentialModel(rawValue: name) else {
            throw CampaignSpecError(key: key, reason: "unknown model '\(name)'; use one of \(PotentialModel.names)")
        }
        self = model
    }
}

/// Reads typed keys from a TOML table and rejects any key it was not asked for.
struct TableReader {
    let table: TOMLTable
    let path: String
    var used: Set<String> = []

    init(_ table: TOMLTable, path: String, isPresent: Bool = true) {
        self.table = table
        self.path = path
        self.isPresent = isPresent
    }

    private func key(_ k: String) -> String { path.isEmpty ? k : "\(path).\(k)" }

    /// Every key of the table, sorted.
    var keys: [String] { table.keys.sorted() }

    /// The table was written in the file (not an absent table read as empty).
    let isPresent: Bool

    /// The key is set.
    func has(_ k: String) -> Bool { table[k] != nil }

    private mutating func value(_ k: String) -> TOMLValueConvertible? {
        used.insert(k)
        return table[k]
    }

    mutating func string(_ k: String) throws -> String? {
        guard let v = value(k) else { return nil }
        guard let s = v.string else { throw CampaignSpecError(key: key(k), reason: "must be a string") }
        return s
    }

    mutating func bool(_ k: String) throws -> Bool? {
        guard let v = value(k) else { return nil }
        guard let b = v.bool else { throw CampaignSpecError(key: key(k), reason: "must be true or false") }
        return b
    }

    mutating func int(_ k: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let v = value(k) else { return nil }
        guard let i = v.int else { throw CampaignSpecError(key: key(k), reason: "must be an integer") }
        guard range.contains(i) else { throw CampaignSpecError(key: key(k), reason: "must be between \(range.lowerBound) and \(range.upperBound), not \(i)") }
        return i
    }

    mutating func double(_ k: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let v = value(k) else { return nil }
        guard let d = v.double ?? v.int.map(Double.init), d.isFinite else {
            throw CampaignSpecError(key: key(k), reason: "must be a number")
        }
        guard range.contains(d) else { throw CampaignSpecError(key: key(k), reason: "must be between \(range.lowerBound) and \(range.upperBound), not \(d)") }
        return d
    }

    enum StringOrNumber { case string(String), number(Double) }

    /// A string, or a finite number in `range`.
    mutating func stringOrNumber(_ k: String, in range: ClosedRange<Double>) throws -> StringOrNumber? {
        guard let v = value(k) else { return nil }
        if let s = v.string { return .string(s) }
        guard v.double != nil || v.int != nil else { throw CampaignSpecError(key: key(k), reason: "must be a string or a number") }
        return try double(k, in: range).map { .number($0) }
    }

    mutating func strings(_ k: String) throws -> [String]? {
        guard let v = value(k) else { return nil }
        guard let a = v.array else { throw CampaignSpecError(key: key(k), reason: "must be an array of strings") }
        return try a.map {
            guard let s = $0.string else { throw CampaignSpecError(key: key(k), reason: "must be an array of strings") }
            return s
        }
    }

    mutating func elements(_ k: String) throws -> [Element]? {
        try strings(k)?.map { sym in
            do { return try Element(sym) } catch {
                throw CampaignSpecError(key: key(k), reason: "unknown element '\(sym)'")
            }
        }
    }

    /// A sub-table (empty when absent).
    mutating func table(_ k: String) throws -> TableReader {
        guard let v = value(k) else { return TableReader(TOMLTable(), path: key(k), isPresent: false) }
        guard let t = v.table else { throw CampaignSpecError(key: key(k), reason: "must be a table ([\(key(k))])") }
        return TableReader(t, path: key(k))
    }

    /// An array of tables ([[k]]).
    mutating func tables(_ k: String) throws -> [TableReader] {
        guard let v = value(k) else { return [] }
        guard let a = v.array else { throw CampaignSpecError(key: key(k), reason: "must be an array of tables ([[\(key(k))]])") }
        return try a.enumerated().map { i, item in
            guard let t = item.table else { throw CampaignSpecError(key: "\(key(k))[\(i)]", reason: "must be a table") }
            return TableReader(t, path: "\(key(k))[\(i)]")
        }
    }

    /// Throws for the first key that was never read (a typo or unsupported setting).
    func finish() throws {
        for k in table.keys.sorted() where !used.contains(k) {
            throw CampaignSpecError(key: key(k), reason: "unknown key")
        }
    }
}
