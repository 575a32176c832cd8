import Crystal
import Foundation
import Matching

/// The rules behind Kiln's verdicts on relaxed structures — *stable*, *unique*, *new* and *SUN* —
/// written down once in docs/metrics.md and used by both campaigns and `kiln evaluate`.
///
/// - **stable**: E_hull ≤ `stabilityThreshold` − margin (eV/atom, 1e-9 slack for rounding) and, when
///   `requireConverged`, the relaxation converged; the margin is the potential's known offset on
///   MP hull phases (`StabilityMargin`, 0 when not measured). Within the margin below the threshold
///   it is *possibly stable* (`StabilityLevel`).
/// - **unique**: the representative of its group of matching structures (pymatgen's default
///   `StructureMatcher`); `representative` says which member that is.
/// - **new**: no structure of the novelty reference matches (`NoveltyChecker`: element comparator,
///   plus the order–disorder pass against disordered references).
/// - **SUN**: stable, unique and new; campaigns headline the strict form, a new composition
///   (`NoveltyLevel`), and show MatterGen's structure-level SUN beside it.
public struct VerdictRules: Sendable, Hashable, Codable {
    /// Which member of a group of matching structures is the unique one.
    public enum Representative: String, Sendable, Hashable, Codable, CaseIterable {
        /// The first in input order (MatterGen's convention for generated sets).
        case first
        /// The lowest energy per atom, ties to the first (a campaign keeps its best relaxation).
        case lowestEnergy = "lowest_energy"

        /// How a scorecard names the rule.
        public var label: String { self == .first ? "first of each group" : "lowest energy of each group" }
    }

    /// E_hull at or below this is stable (eV/atom).
    public var stabilityThreshold: Double
    /// Only a converged relaxation can support a stability claim.
    public var requireConverged: Bool
    public var representative: Representative

    public init(stabilityThreshold: Double, requireConverged: Bool, representative: Representative) {
        self.stabilityThreshold = stabilityThreshold
        self.requireConverged = requireConverged
        self.representative = representative
    }

    /// MatterGen's convention, `kiln evaluate`'s default: the first member of a group is unique and
    /// any finished relaxation counts.
    public static let mattergen = VerdictRules(stabilityThreshold: 0.1, requireConverged: false, representative: .first)
    /// A campaign's default: the lowest-energy member is unique and only converged relaxations count.
    public static let campaign = VerdictRules(stabilityThreshold: 0.1, requireConverged: true, representative: .lowestEnergy)

    /// The stability verdict for one relaxed structure without a margin (nil E_hull: not placed on
    /// the hull, not stable).
    public func isStable(energyAboveHull: Double?, converged: Bool) -> Bool {
        stabilityLevel(energyAboveHull: energyAboveHull, converged: converged, margin: 0) == .stable
    }

    /// The stability level for one relaxed structure: stable at E_hull ≤ threshold − `margin`
    /// (eV/atom, ≥ 0), possibly stable up to the threshold, unstable above it, without an E_hull
    /// or (when `requireConverged`) without a converged relaxation.
    public func stabilityLevel(energyAboveHull: Double?, converged: Bool, margin: Double) -> StabilityLevel {
        guard let e = energyAboveHull, converged || !requireConverged else { return .unstable }
        if e <= stabilityThreshold - max(0, margin) + 1e-9 { return .stable }
        return e <= stabilityThreshold + 1e-9 ? .possiblyStable : .unstable
    }
}

/// How firmly a structure is on the hull, once the potential's known offset on MP hull phases
/// (the margin) is allowed for (docs/metrics.md, "Verdicts").
public enum StabilityLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// Under the threshold even if the potential errs by the margin.
    case stable
    /// Under the threshold, but within the margin of it.
    case possiblyStable = "possibly_stable"
    /// Above the threshold, not placed on the hull, or not converged when that is required.
    case unstable

    /// How a table or report names it.
    public var label: String { self == .possiblyStable ? "possibly stable" : rawValue }

    /// 0 for the firmest; orders a ranking.
    public var order: Int { Self.allCases.firstIndex(of: self)! }
}

/// What one structure's verdicts are drawn from.
public struct VerdictInput: Sendable {
    public var structure: Structure
    /// Final energy per atom (orders a group under `.lowestEnergy`; nil sorts last).
    public var energyPerAtom: Double?
    /// eV/atom above the hull; nil when it was not relaxed or could not be placed.
    public var energyAboveHull: Double?
    public var converged: Bool
    /// The potential's known offset (eV/atom) for this structure's chemistry; 0 for none.
    public var stabilityMargin: Double

    public init(structure: Structure, energyPerAtom: Double?, energyAboveHull: Double?, converged: Bool,
                stabilityMargin: Double = 0) {
        self.structure = structure
        self.energyPerAtom = energyPerAtom
        self.energyAboveHull = energyAboveHull
        self.converged = converged
        self.stabilityMargin = stabilityMargin
    }
}

/// How new a structure is, on the evidence Kiln holds (docs/metrics.md, "Verdicts"), from the
/// strictest claim down.
public enum NoveltyLevel: String, Sendable, Hashable, Codable, CaseIterable {
    /// Its reduced formula is in none of the reference tables (MP energies and structures).
    case newComposition = "new_composition"
    /// The formula is known, but no reference structure matches: neither new nor confirmed.
    case knownComposition = "known_composition"
    /// A reference structure matches.
    case knownStructure = "known_structure"

    /// The one rule: structure match first, then the formula tables.
    public init(structureMatched: Bool, formulaKnown: Bool) {
        self = structureMatched ? .knownStructure : formulaKnown ? .knownComposition : .newComposition
    }

    /// How a table or report names it.
    public var label: String {
        switch self {
        case .newComposition: return "new composition"
        case .knownComposition: return "known composition, new structure"
        case .knownStructure: return "known structure"
        }
    }

    /// 0 for the newest; orders a ranking.
    public var order: Int { Self.allCases.firstIndex(of: self)! }
}

/// The verdicts on one structure.
public struct Verdict: Sendable, Hashable, Codable {
    public var stability: StabilityLevel
    /// Robustly stable (`StabilityLevel.stable`).
    public var stable: Bool { stability == .stable }
    public var unique: Bool
    /// Index (into the assessed list) of the group's representative; itself when unique.
    public var representative: Int
    /// Nil when novelty was not checked.
    public var novel: Bool?
    /// Id of the first reference that matched, when not novel.
    public var noveltyMatch: String?
    /// Nil when novelty was not checked.
    public var noveltyLevel: NoveltyLevel?
    /// Stable, unique and no reference structure matches (MatterGen's SUN); nil when novelty was
    /// not checked.
    public var sun: Bool? { novel.map { stable && unique && $0 } }
    /// Stable, unique and a new composition: SUN on the strictest evidence, Kiln's headline.
    public var sunNewComposition: Bool? { noveltyLevel.map { stable && unique && $0 == .newComposition } }
}

public enum Verdicts {
    /// The verdicts on `inputs`, in order: groups from `matcher` (pymatgen's defaults), novelty
    /// from `novelty` (nil skips it).
    public static func assess(_ inputs: [VerdictInput], rules: VerdictRules, novelty: NoveltyChecker?,
                              matcher: StructureMatcher = StructureMatcher()) -> [Verdict] {
        let structures = inputs.map(\.structure)
        let representative = representatives(groups: matcher.group(structures), rules.representative) {
            inputs[$0].energyPerAtom ?? .infinity
        }
        let matches = novelty?.firstMatches(structures)
        return inputs.indices.map { i in
            Verdict(stability: rules.stabilityLevel(energyAboveHull: inputs[i].energyAboveHull, converged: inputs[i].converged,
                                                    margin: inputs[i].stabilityMargin),
                    unique: representative[i] == i, representative: representative[i],
                    novel: matches.map { $0[i] == nil }, noveltyMatch: matches?[i] ?? nil,
                    noveltyLevel: matches.map { m in
                        NoveltyLevel(structureMatched: m[i] != nil,
                                     formulaKnown: !(novelty?.isNovelFormula(inputs[i].structure.composition) ?? true))
                    })
        }
    }

    /// For each index, the representative of its group: the first member, or the lowest `energy`
    /// (ties to the first).
    public static func representatives(groups: [[Int]], _ rule: VerdictRules.Representative,
                                       energy: (Int) -> Double) -> [Int] {
        var out = [Int](repeating: 0, count: groups.reduce(0) { $0 + $1.count })
        for g in groups {
            let sorted = g.sorted()
            let rep = rule == .first ? sorted[0] : sorted.min { energy($0) < energy($1) }!
            for m in g { out[m] = rep }
        }
        return out
    }
}
