import Crystal

/// The space group of a symmetrised CIF block: what `CIFWriter` writes in the
/// `_symmetry_space_group_name_H-M`, `_symmetry_Int_Tables_number`, operation loop and
/// `_atom_site_Wyckoff_symbol` column.
public struct CIFSpaceGroup: Sendable {
    /// Hermann–Mauguin symbol, e.g. "Fm-3m"; nil writes 'P 1' for the identity alone, else 'Not Parsed'.
    public var symbol: String?
    /// International Tables number, 1–230.
    public var number: Int?
    /// Every operation, in the cell's fractional coordinates.
    public var operations: [SymmetryOperation]
    /// Wyckoff letter of each site of the structure written; nil leaves the column out.
    public var wyckoffLetters: [String]?

    public init(symbol: String? = nil, number: Int? = nil, operations: [SymmetryOperation], wyckoffLetters: [String]? = nil) {
        self.symbol = symbol
        self.number = number
        self.operations = operations
        self.wyckoffLetters = wyckoffLetters
    }
}

/// Data beyond the structure that `CIFWriter` adds to a block: comment lines at its top, single
/// items (local names such as `_kiln_energy_per_atom` are valid CIF 1.1) and one loop over the
/// listed atom sites, keyed by their `_atom_site_label`. `CIFReader` ignores all of them.
public struct CIFExtras: Sendable {
    /// A loop with one row per listed site: the label under `labelTag`, then each column's value
    /// for that site (`values` holds one entry per site of the structure written).
    public struct SiteLoop: Sendable {
        public var labelTag: String
        public var columns: [(tag: String, values: [String])]

        public init(labelTag: String, columns: [(tag: String, values: [String])]) {
            self.labelTag = labelTag
            self.columns = columns
        }
    }

    public var comments: [String]
    public var items: [(tag: String, value: String)]
    public var siteLoop: SiteLoop?

    public init(comments: [String] = [], items: [(tag: String, value: String)] = [], siteLoop: SiteLoop? = nil) {
        self.comments = comments
        self.items = items
        self.siteLoop = siteLoop
    }
}
