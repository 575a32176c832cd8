/// Kiln's one symmetry-tolerance policy (docs/symmetry.md): spglib's symprec 0.1 Å, the tolerance
/// the Materials Project reports space groups with. It is the default of every symmetry type here
/// and of every command, and campaigns store space groups with it, so one structure gets one space
/// group everywhere. Pass another value explicitly where a comparison needs it (the fixture tests
/// use spglib's and pymatgen's own settings).
public enum SymmetryTolerance {
    /// Distance tolerance in Å.
    public static let symprec = 0.1
}
