import Crystal
import Matching

/// Uniqueness within a set: structures are grouped with pymatgen's default `StructureMatcher`
/// (ltol 0.2, stol 0.3, angle_tol 5°, primitive cells, volume scaling); the first member of each
/// group counts as unique, later members as duplicates.
public struct Uniqueness: Sendable {
    /// Groups of matching structures (indices into the input, in input order).
    public let groups: [[Int]]
    /// `isFirstOfGroup[i]` is true for the first member of each group.
    public let isFirstOfGroup: [Bool]

    public init(_ structures: [Structure], matcher: StructureMatcher = StructureMatcher()) {
        groups = matcher.group(structures)
        var first = [Bool](repeating: false, count: structures.count)
        for g in groups { if let i = g.first { first[i] = true } }
        isFirstOfGroup = first
    }

    /// Distinct structures over all structures.
    public var rate: Double { isFirstOfGroup.isEmpty ? 0 : Double(groups.count) / Double(isFirstOfGroup.count) }
}
