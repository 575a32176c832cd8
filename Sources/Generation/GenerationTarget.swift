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
            guard Set(els).count == els.count else {
                throw GenerationError.invalidTarget("chemical system '\(text)' repeats an element")
            }
            sets.append(els)
            if includeSubsystems && els.count > 2 { sets += Self.subsets(of: els, sizes: 2...(els.count - 1)) }
        }
        try self.init(sets: sets, forbidden: forbidden, maxAtoms: maxAtoms,
                      requireChargeBalance: requireChargeBalance, oxidationStates: oxidationStates)
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
        try self.init(sets: Self.subsets(of: els.sorted { $0.symbol < $1.symbol }, sizes: elementCount), forbidden: forbidden,
                      maxAtoms: maxAtoms, requireChargeBalance: requireChargeBalance,
                      oxidationStates: oxidationStates)
    }

    private init(sets: [[Element]], forbidden: [String], maxAtoms: Int, requireChargeBalance: Bool,
                 oxidationStates: OxidationStateSet) throws {
        let banned = Set(try Self.elements(forbidden, context: "forbidden elements"))
        guard maxAtoms >= 1 else { throw GenerationError.invalidTarget("maxAtoms must be at least 1, got \(maxAtoms)") }
        var seen = Set<[Element]>()
        systems = sets.map { $0.sorted { $0.symbol < $1.symbol } }
            .filter { banned.isDisjoint(with: $0) && seen.insert($0).inserted }
        guard !systems.isEmpty else {
            throw GenerationError.invalidTarget("no chemical system left after removing forbidden elements")
        }
        guard systems.count <= Self.maxSystems else {
            throw GenerationError.invalidTarget(
                "\(systems.count) chemical systems exceed the limit of \(Self.maxSystems); narrow the allowed elements")
        }
        self.maxAtoms = maxAtoms
        self.requireChargeBalance = requireChargeBalance
        self.oxidationStates = oxidationStates
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
