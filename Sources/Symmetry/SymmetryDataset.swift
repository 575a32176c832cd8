import CSpglib
import Crystal

/// spglib's symmetry dataset of a structure, copied into Swift values (spglib's
/// `get_symmetry_dataset`). Matrices keep spglib's conventions: rotations act on fractional
/// column vectors of the input cell (x′ = R·x + t), and the standardized fractional coordinates
/// are x_s = P·x + p with P = `transformationMatrix` and p = `originShift`.
public struct SymmetryDataset: Hashable, Sendable {
    /// Distance tolerance (Å) used for the search.
    public let symprec: Double
    /// Angle tolerance (degrees) used; negative means spglib's built-in angle check.
    public let angleTolerance: Double
    /// Space-group number, 1–230.
    public let number: Int
    /// Short international (Hermann–Mauguin) symbol, e.g. "Fm-3m".
    public let international: String
    /// Hall symbol, e.g. "-F 4 2 3", spelled as in International Tables Vol. B (spglib ≥ 2.2).
    public let hall: String
    /// Serial number of the Hall symbol, 1–530.
    public let hallNumber: Int
    /// International symbol of the point group, e.g. "m-3m".
    public let pointGroup: String
    /// Origin or cell choice ("1", "2", "H", "R", axis choices such as "b", or "").
    public let choice: String
    /// Every operation of the space group in the input cell, centring translations included.
    public let operations: [SymmetryOperation]
    /// Wyckoff letter of each input site ("a"…"z", then "A" for Pmmm's 27th position).
    public let wyckoffs: [String]
    /// Oriented site-symmetry symbol of each input site, e.g. "m-3m" or ".3.".
    public let siteSymmetrySymbols: [String]
    /// For each site, the lowest index of a site equivalent to it under the space group.
    public let equivalentAtoms: [Int]
    /// Like `equivalentAtoms`, but with respect to the operations of the primitive cell.
    public let crystallographicOrbits: [Int]
    /// P in x_s = P·x + p (spglib's `transformation_matrix`).
    public let transformationMatrix: Matrix3
    /// p in x_s = P·x + p (spglib's `origin_shift`), in the standardized cell's coordinates.
    public let originShift: Vec3
    /// Cartesian rotation spglib applies when idealizing the standardized cell (`std_rotation_matrix`).
    public let standardRotation: Matrix3
    /// A primitive lattice of the input (rows a, b, c).
    public let primitiveLattice: Lattice
    /// For each input site, the index of the site of the primitive cell it maps to.
    public let mappingToPrimitive: [Int]
    /// spglib's standardized conventional cell (`std_lattice`, `std_positions`, `std_types`):
    /// idealized, in the standard setting and orientation, as `standardized(.conventional)` builds it.
    public let standardStructure: Structure
    /// For each site of `standardStructure`, the index of the primitive-cell site it maps to
    /// (`std_mapping_to_primitive`; compare with `mappingToPrimitive`).
    public let standardMappingToPrimitive: [Int]

    /// Analyses `structure` with spglib. `angleTolerance` < 0 uses spglib's built-in angle check.
    /// Throws `SymmetryError` when spglib finds no space group or the input is unusable.
    public init(_ structure: Structure, symprec: Double = SymmetryTolerance.symprec, angleTolerance: Double = -1) throws {
        try checkTolerances(symprec: symprec, angleTolerance: angleTolerance)
        var cell = try SpglibCell(structure)
        let n = Int32(cell.count)
        spglibLock.lock()
        defer { spglibLock.unlock() }
        let raw = cell.lattice.withUnsafeMutableBufferPointer { lat in
            cell.positions.withUnsafeMutableBufferPointer { pos in
                spgat_get_dataset(lat.baseAddress, pos.baseAddress, cell.types, n, symprec, angleTolerance)
            }
        }
        guard let raw else { throw spglibError() }
        defer { spg_free_dataset(raw) }
        let d = raw.pointee
        guard d.spacegroup_number > 0 else { throw spglibError() }

        self.symprec = symprec
        self.angleTolerance = angleTolerance
        number = Int(d.spacegroup_number)
        hallNumber = Int(d.hall_number)
        international = cString(d.international_symbol)
        hall = standardHallSymbols[hallNumber] ?? cString(d.hall_symbol)
        pointGroup = cString(d.pointgroup_symbol)
        choice = cString(d.choice)
        transformationMatrix = matrix(d.transformation_matrix)
        originShift = Vec3(d.origin_shift.0, d.origin_shift.1, d.origin_shift.2)
        standardRotation = matrix(d.std_rotation_matrix)
        primitiveLattice = Lattice(matrix(d.primitive_lattice).transpose)

        let nOps = Int(d.n_operations)
        operations = (0..<nOps).map { k in
            let r = d.rotations[k]
            let rotation = Matrix3(Vec3(Double(r.0.0), Double(r.0.1), Double(r.0.2)),
                                   Vec3(Double(r.1.0), Double(r.1.1), Double(r.1.2)),
                                   Vec3(Double(r.2.0), Double(r.2.1), Double(r.2.2)))
            let t = d.translations[k]
            return SymmetryOperation(rotation: rotation, translation: Vec3(t.0, t.1, t.2))
        }
        let nAtoms = Int(d.n_atoms)
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        wyckoffs = (0..<nAtoms).map { k in
            let w = Int(d.wyckoffs[k])
            return letters.indices.contains(w) ? String(letters[w]) : "?"
        }
        siteSymmetrySymbols = (0..<nAtoms).map { cString(d.site_symmetry_symbols[$0]) }
        equivalentAtoms = (0..<nAtoms).map { Int(d.equivalent_atoms[$0]) }
        crystallographicOrbits = (0..<nAtoms).map { Int(d.crystallographic_orbits[$0]) }
        mappingToPrimitive = (0..<nAtoms).map { Int(d.mapping_to_primitive[$0]) }
        let nStd = Int(d.n_std_atoms)
        let l = d.std_lattice
        let stdPositions: [(Double, Double, Double)] = (0..<nStd).map { d.std_positions[$0] }
        let stdTypes: [Int32] = (0..<nStd).map { Int32(d.std_types[$0]) }
        standardStructure = cell.structure(lattice: [l.0, l.1, l.2], positions: stdPositions[...], types: stdTypes[...])
        standardMappingToPrimitive = (0..<nStd).map { Int(d.std_mapping_to_primitive[$0]) }
    }

    /// Number of space-group operations (centring translations included).
    public var operationCount: Int { operations.count }
}

/// A NUL-terminated C `char[N]` field as a String.
func cString<T>(_ field: T) -> String {
    withUnsafeBytes(of: field) { raw in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A C `double[3][3]` as a Matrix3 with the same rows.
func matrix(_ m: ((Double, Double, Double), (Double, Double, Double), (Double, Double, Double))) -> Matrix3 {
    Matrix3(Vec3(m.0.0, m.0.1, m.0.2), Vec3(m.1.0, m.1.1, m.1.2), Vec3(m.2.0, m.2.1, m.2.2))
}
