/// The seven crystal systems, from the space-group number.
public enum CrystalSystem: String, Sendable, CaseIterable {
    case triclinic, monoclinic, orthorhombic, tetragonal, trigonal, hexagonal, cubic

    /// Crystal system of space group `number` (1–230); nil outside that range.
    public init?(spaceGroupNumber number: Int) {
        switch number {
        case 1...2: self = .triclinic
        case 3...15: self = .monoclinic
        case 16...74: self = .orthorhombic
        case 75...142: self = .tetragonal
        case 143...167: self = .trigonal
        case 168...194: self = .hexagonal
        case 195...230: self = .cubic
        default: return nil
        }
    }
}

/// Lattice type as pymatgen names it: the crystal family, except that R-centred trigonal groups
/// are `rhombohedral` (trigonal P groups have a hexagonal lattice).
public enum LatticeType: String, Sendable, CaseIterable {
    case triclinic, monoclinic, orthorhombic, tetragonal, rhombohedral, hexagonal, cubic

    /// Lattice type of a space group given its number and international symbol.
    public init?(spaceGroupNumber number: Int, international: String) {
        guard let system = CrystalSystem(spaceGroupNumber: number) else { return nil }
        if international.hasPrefix("R") { self = .rhombohedral; return }
        switch system {
        case .triclinic: self = .triclinic
        case .monoclinic: self = .monoclinic
        case .orthorhombic: self = .orthorhombic
        case .tetragonal: self = .tetragonal
        case .trigonal, .hexagonal: self = .hexagonal
        case .cubic: self = .cubic
        }
    }
}
