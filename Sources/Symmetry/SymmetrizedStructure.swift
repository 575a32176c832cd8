import Crystal

/// A structure with its sites grouped into symmetry-equivalent sets (pymatgen's
/// `SymmetrizedStructure`).
public struct SymmetrizedStructure: Hashable, Sendable {
    /// The analysed structure, unchanged.
    public let structure: Structure
    /// The dataset the grouping comes from.
    public let dataset: SymmetryDataset
    /// Site indices of each equivalent set, the sets ordered by their representative site.
    public let equivalentIndices: [[Int]]
    /// Per set: the number of its sites in this cell followed by its Wyckoff letter, e.g. "4a"
    /// (pymatgen's convention, so a primitive input gives the primitive count).
    public let wyckoffSymbols: [String]

    public init(structure: Structure, dataset: SymmetryDataset) {
        self.structure = structure
        self.dataset = dataset
        var members: [Int: [Int]] = [:]
        for (i, rep) in dataset.equivalentAtoms.enumerated() { members[rep, default: []].append(i) }
        equivalentIndices = members.keys.sorted().map { members[$0]! }
        wyckoffSymbols = equivalentIndices.map { "\($0.count)\(dataset.wyckoffs[$0[0]])" }
    }

    /// One representative site per equivalent set.
    public var representativeSites: [Site] { equivalentIndices.map { structure.sites[$0[0]] } }
}
