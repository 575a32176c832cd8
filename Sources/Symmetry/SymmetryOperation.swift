import Crystal

/// A space-group operation acting on fractional coordinates: x′ = R·x + t.
public struct SymmetryOperation: Hashable, Sendable {
    /// The integer rotation part R (stored as doubles, entries are exact integers).
    public var rotation: Matrix3
    /// The translation part t, in fractional coordinates of the input cell.
    public var translation: Vec3

    public init(rotation: Matrix3, translation: Vec3) {
        self.rotation = rotation
        self.translation = translation
    }

    /// Image of a fractional point.
    public func apply(_ frac: Vec3) -> Vec3 { rotation * frac + translation }

    /// The operation in Cartesian coordinates of `lattice` (x′ = W·x + w, x = Lᵀ·f): an orthogonal W
    /// when the lattice is exactly symmetric.
    public func cartesian(in lattice: Lattice) -> (rotation: Matrix3, translation: Vec3) {
        let lt = lattice.matrix.transpose
        return (lt * rotation * lattice.inverse.transpose, lt * translation)
    }

    /// True when the operation is a pure lattice translation (R = 1), e.g. a centring vector.
    public var isTranslation: Bool { rotation == .identity }
}
