import Crystal
import CrystalIO
import Symmetry

/// A structure in spglib's conventional standard cell, with what a symmetrised CIF states about it:
/// space group, operations and Wyckoff letters in that cell (pymatgen's `get_refined_structure`
/// and `CifWriter(structure, symprec=…)`).
public struct ConventionalCell: Sendable {
    /// The conventional standard cell (idealized, spglib's standard setting and orientation).
    public let structure: Structure
    /// Distance tolerance (Å) of the analysis.
    public let symprec: Double
    /// Hermann–Mauguin symbol, e.g. "P-3m1".
    public let spaceGroupSymbol: String
    public let spaceGroupNumber: Int
    /// Every operation of the space group in the conventional cell (centring translations included).
    public let operations: [SymmetryOperation]
    /// Wyckoff letter of each site of `structure`.
    public let wyckoffLetters: [String]
    /// For each site of `structure`, the input sites it stands for (one per lattice translation
    /// of the primitive cell, so all are symmetry-equivalent).
    public let sourceSites: [[Int]]

    /// Analyses `input` at `symprec` (Kiln's policy by default) and builds its conventional
    /// standard cell. The angle check defaults to spglib's own, as for the space groups campaigns
    /// store; pymatgen's `CifWriter` uses 5°, which can find more symmetry in a cell with an angle
    /// off 90° (LiFePO4 with β = 90.5°: P2_1/c here, Pnma there). Throws `SymmetryError` when spglib
    /// finds no space group.
    public init(_ input: Structure, symprec: Double = SymmetryTolerance.symprec, angleTolerance: Double = -1) throws {
        let dataset = try SymmetryDataset(input, symprec: symprec, angleTolerance: angleTolerance)
        let cell = dataset.standardStructure
        let standard = try SymmetryDataset(cell, symprec: symprec, angleTolerance: angleTolerance)
        guard standard.number == dataset.number else {
            throw SymmetryError.invalidInput("the standardized cell has space group \(standard.number), "
                + "the input \(dataset.number) at symprec \(symprec)")
        }
        var byPrimitive: [Int: [Int]] = [:]
        for (i, p) in dataset.mappingToPrimitive.enumerated() { byPrimitive[p, default: []].append(i) }
        structure = cell
        self.symprec = symprec
        spaceGroupSymbol = dataset.international
        spaceGroupNumber = dataset.number
        operations = standard.operations
        wyckoffLetters = standard.wyckoffs
        sourceSites = dataset.standardMappingToPrimitive.map { byPrimitive[$0] ?? [] }
    }

    /// A per-site value of the input carried to each site of `structure` (mean over its source sites).
    public func carry(_ values: [Double]) -> [Double] {
        sourceSites.map { sources in sources.reduce(0) { $0 + values[$1] } / Double(max(sources.count, 1)) }
    }

    /// The symmetrised CIF of this cell: symmetry-distinct sites with multiplicities and Wyckoff
    /// letters, a comment stating the setting and symprec, then `extras`.
    public func cif(extras: CIFExtras = CIFExtras(), blockName: String? = nil) throws -> String {
        var extras = extras
        extras.comments.insert("conventional standard cell (spglib), space group \(spaceGroupSymbol) (\(spaceGroupNumber)) "
                               + "at symprec \(symprec) Angstrom; only symmetry-distinct sites are listed", at: 0)
        extras.items.insert(contentsOf: [("_kiln_symmetry_symprec", "\(symprec)"), ("_kiln_symmetry_cell_setting", "conventional_standard")], at: 0)
        let group = CIFSpaceGroup(symbol: spaceGroupSymbol, number: spaceGroupNumber, operations: operations,
                                  wyckoffLetters: wyckoffLetters)
        return try CIFWriter().string(structure, spaceGroup: group, extras: extras, blockName: blockName)
    }
}
