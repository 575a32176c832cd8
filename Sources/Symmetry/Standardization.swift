import CSpglib
import Crystal

/// Which standardized cell spglib should build.
public enum StandardCell: String, Sendable, CaseIterable {
    /// The conventional (possibly centred) cell of the standard setting.
    case conventional
    /// The primitive cell obtained from the conventional one by spglib's fixed centring matrices.
    case primitive
}

extension Structure {
    /// Symmetry dataset of this structure (see `SymmetryDataset`).
    public func symmetryDataset(symprec: Double = SymmetryTolerance.symprec, angleTolerance: Double = -1) throws -> SymmetryDataset {
        try SymmetryDataset(self, symprec: symprec, angleTolerance: angleTolerance)
    }

    /// spglib's standardized cell (`spg_standardize_cell`). With `idealize` the lattice is
    /// symmetrized and rotated into spglib's standard orientation and the sites are moved onto
    /// their ideal Wyckoff positions; without it the input's orientation and distortions are kept.
    /// Sites keep their species (and occupancies) but not their labels.
    public func standardized(_ cell: StandardCell = .conventional, symprec: Double = SymmetryTolerance.symprec,
                             angleTolerance: Double = -1, idealize: Bool = true) throws -> Structure {
        try checkTolerances(symprec: symprec, angleTolerance: angleTolerance)
        let input = try SpglibCell(self)
        let n = input.count
        // A conventional cell holds at most 4 times the atoms of a primitive one (F centring).
        var lattice = input.lattice
        var positions = input.positions + Array(repeating: (0, 0, 0), count: 3 * n)
        var types = input.types + Array(repeating: 0, count: 3 * n)
        spglibLock.lock()
        defer { spglibLock.unlock() }
        let count = lattice.withUnsafeMutableBufferPointer { lat in
            positions.withUnsafeMutableBufferPointer { pos in
                types.withUnsafeMutableBufferPointer { typ in
                    spgat_standardize_cell(lat.baseAddress, pos.baseAddress, typ.baseAddress, Int32(n),
                                           cell == .primitive ? 1 : 0, idealize ? 0 : 1, symprec, angleTolerance)
                }
            }
        }
        guard count > 0 else { throw spglibError() }
        return input.structure(lattice: lattice, positions: positions[..<Int(count)], types: types[..<Int(count)])
    }
}
