import Foundation
import Crystal

/// What to generate: the chemical systems candidates must belong to and the limits they obey.
public struct GenerationTarget: Sendable, Hashable {
    /// Chemical systems, each a sorted list of distinct elements; a candidate contains exactly
    /// the elements of one of them.
    public private(set) var systems: [[Element]]
    /// Largest number of sites in a candidate's cell.
    public var maxAtoms: Int
    /// Keep only compositions that pass `ChargeBalance` (SMACT charge neutrality + Pauling test).
    public var requireChargeBalance: Bool
    /// Oxidation states used for charge balance and substitution species.
    public var oxidationStates: OxidationStateSet
    /// Reduced formulas candidates must have (crystal structure prediction), each made of the
    /// elements of one of `systems`; empty: any composition of the systems.
    public var formulas: Set<String> = []

    /// Largest number of systems a target may expand to (keeps generators fast).
    public static let maxSystems = 5000

    /// Target from chemical systems such as "Li-Mn-O". With `includeSubsystems`, every subsystem with
    /// at least two elements (Li-Mn, Li-O, Mn-O, …) is added. Systems containing a forbidden element are dropped.
    public init(systems: [String], forbidden: [String] = [], includeSubsystems: Bool = false,
                maxAtoms: Int = 20, requireChargeBalance: Bool = true,
                oxidationStates: OxidationStateSet = .icsd24) throws {
        var sets: [[Element]] = []
        for text in systems {
            let parts = text.split(separator: "-").map { String($0).trimmingCharacters(in: .whitespaces) }
            let els = try Self.elements(parts, context: "chemical system '\(text)'").sorted { $0.symbol < $1.symbol }
            sets.append(els)
            if includeSubsystems && els.count > 2 { sets += Self.subsets(of: els, sizes: 2...(els.count - 1)) }
        }
        try self.init(systems: sets, forbidden: try Self.elements(forbidden, context: "forbidden elements"),
                      maxAtoms: maxAtoms, requireChargeBalance: requireChargeBalance, oxidationStates: oxidationStates)
    }

    /// Target covering every combination of `elementCount` elements drawn from `allowed`.
    public init(allowed: [String], elementCount: ClosedRange<Int>, forbidden: [String] = [],
                maxAtoms: Int = 20, requireChargeBalance: Bool = true,
                oxidationStates: OxidationStateSet = .icsd24) throws {
        let els = Array(Set(try Self.elements(allowed, context: "allowed elements")))
        guard elementCount.lowerBound >= 1, elementCount.upperBound <= els.count else {
            throw GenerationError.invalidTarget(
                "element count \(elementCount) does not fit \(els.count) allowed elements")
        }
        try self.init(systems: Self.subsets(of: els.sorted { $0.symbol < $1.symbol }, sizes: elementCount),
                      forbidden: try Self.elements(forbidden, context: "forbidden elements"), maxAtoms: maxAtoms,
                      requireChargeBalance: requireChargeBalance, oxidationStates: oxidationStates)
    }

    /// Target from chemical systems given as element lists (any order; repeated systems count once).
    /// Systems containing a forbidden element are dropped.
    public init(systems: [[Element]], forbidden: [Element] = [], maxAtoms: Int = 20,
                requireChargeBalance: Bool = true, oxidationStates: OxidationStateSet = .icsd24) throws {
        let banned = Set(forbidden)
        guard maxAtoms >= 1 else { throw GenerationError.invalidTarget("maxAtoms must be at least 1, got \(maxAtoms)") }
        let sorted = systems.map { $0.sorted { $0.symbol < $1.symbol } }
        if let repeated = sorted.first(where: { Set($0).count != $0.count }) {
            throw GenerationError.invalidTarget("chemical system \(Self.name(repeated)) repeats an element")
        }
        var seen = Set<[Element]>()
        self.systems = sorted.filter { banned.isDisjoint(with: $0) && seen.insert($0).inserted }
        guard !self.systems.isEmpty else {
            throw GenerationError.invalidTarget("no chemical system left after removing forbidden elements")
        }
        guard self.systems.count <= Self.maxSystems else {
            throw GenerationError.invalidTarget(
                "\(self.systems.count) chemical systems exceed the limit of \(Self.maxSystems); narrow the allowed elements")
        }
        self.maxAtoms = maxAtoms
        self.requireChargeBalance = requireChargeBalance
        self.oxidationStates = oxidationStates
    }

    /// Target for crystal structure prediction: candidates of the given compositions only (any
    /// number of formula units up to `maxAtoms`), charge balance not required.
    public init(compositions: [Composition], maxAtoms: Int = 20) throws {
        guard !compositions.isEmpty else { throw GenerationError.invalidTarget("no composition given") }
        for c in compositions where c.reduced.numAtoms.rounded() > Double(maxAtoms) {
            throw GenerationError.invalidTarget("\(c.reducedFormula) has \(Int(c.reduced.numAtoms.rounded())) atoms per formula unit, more than maxAtoms \(maxAtoms)")
        }
        try self.init(systems: compositions.map(\.elements), maxAtoms: maxAtoms, requireChargeBalance: false)
        formulas = Set(compositions.map(\.reducedFormula))
    }

    /// System name as "Li-Mn-O" (alphabetical).
    public static func name(_ system: [Element]) -> String { system.map(\.symbol).joined(separator: "-") }

    private static func elements(_ symbols: [String], context: String) throws -> [Element] {
        try symbols.map { s in
            do { return try Element(s) } catch {
                throw GenerationError.invalidTarget("unknown element '\(s)' in \(context)")
            }
        }
    }

    private static func subsets(of els: [Element], sizes: ClosedRange<Int>) -> [[Element]] {
        var out: [[Element]] = []
        func extend(_ start: Int, _ current: [Element]) {
            if sizes.contains(current.count) { out.append(current) }
            guard current.count < sizes.upperBound else { return }
            for i in start..<els.count { extend(i + 1, current + [els[i]]) }
        }
        extend(0, [])
        return out
    }
}
