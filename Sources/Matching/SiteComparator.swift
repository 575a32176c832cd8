import Crystal
import Foundation

/// How two sites' species are judged equivalent during matching (pymatgen's comparators).
public enum SiteComparator: String, Sendable, CaseIterable, Codable {
    /// Species must be identical, oxidation states and occupancies included (`SpeciesComparator`).
    case species
    /// Elements and their amounts must agree; oxidation states are ignored (`ElementComparator`).
    case element
    /// One site's elements must be a subset of the other's, so a disordered site matches the
    /// ordered sites it can represent (`OrderDisorderElementComparator`).
    case disorder

    /// True when sites holding `a` and `b` may be mapped onto each other.
    public func areEqual(_ a: [Site.SpeciesOccupancy], _ b: [Site.SpeciesOccupancy]) -> Bool {
        switch self {
        case .species:
            return Self.amountsEqual(Self.amounts(a, key: { $0.description }), Self.amounts(b, key: { $0.description }))
        case .element:
            return Self.amountsEqual(Self.amounts(a, key: { $0.element.symbol }), Self.amounts(b, key: { $0.element.symbol }))
        case .disorder:
            let ea = Set(a.map(\.species.element)), eb = Set(b.map(\.species.element))
            return ea.isSubset(of: eb) || eb.isSubset(of: ea)
        }
    }

    /// A key that equal structures share (the fractional composition, with oxidation states for
    /// `.species`); structures with different keys never match unless subsets are allowed.
    public func compositionKey(_ s: Structure) -> String {
        var total = 0.0
        var amounts: [String: Double] = [:]
        for site in s.sites {
            for o in site.occupancy {
                let name = self == .species ? o.species.description : o.species.element.symbol
                amounts[name, default: 0] += o.occupancy
                total += o.occupancy
            }
        }
        guard total > 0 else { return "" }
        return amounts.filter { $0.value > 1e-8 }.sorted { $0.key < $1.key }
            .map { "\($0.key):\(Int(($0.value / total * 1e6).rounded()))" }.joined(separator: " ")
    }

    private static func amounts(_ occ: [Site.SpeciesOccupancy], key: (Species) -> String) -> [String: Double] {
        var d: [String: Double] = [:]
        for o in occ { d[key(o.species), default: 0] += o.occupancy }
        return d
    }

    /// pymatgen's Composition equality: same elements, amounts within 1e-8.
    private static func amountsEqual(_ a: [String: Double], _ b: [String: Double]) -> Bool {
        let ka = a.filter { abs($0.value) > 1e-8 }, kb = b.filter { abs($0.value) > 1e-8 }
        guard Set(ka.keys) == Set(kb.keys) else { return false }
        return ka.allSatisfy { abs($0.value - kb[$0.key]!) <= 1e-8 }
    }
}
