import Foundation

/// A periodic lattice; the rows of `matrix` are the a, b, c vectors in Cartesian Å.
public struct Lattice: Hashable, Sendable {
    public let matrix: Matrix3
    public let inverse: Matrix3

    /// Lattice from a matrix whose rows are the lattice vectors.
    public init(_ matrix: Matrix3) {
        self.matrix = matrix
        self.inverse = matrix.inverse
    }

    public init(_ rows: [[Double]]) { self.init(Matrix3(rows)) }

    /// Lattice from parameters (Å, degrees), oriented as pymatgen's `Lattice.from_parameters`.
    public init(a: Double, b: Double, c: Double, alpha: Double, beta: Double, gamma: Double) {
        let (ar, br, gr) = (alpha * .pi / 180, beta * .pi / 180, gamma * .pi / 180)
        let val = max(-1, min(1, (cos(ar) * cos(br) - cos(gr)) / (sin(ar) * sin(br))))
        let gammaStar = acos(val)
        self.init(Matrix3(
            Vec3(a * sin(br), 0, a * cos(br)),
            Vec3(-b * sin(ar) * cos(gammaStar), b * sin(ar) * sin(gammaStar), b * cos(ar)),
            Vec3(0, 0, c)))
    }

    public static func cubic(_ a: Double) -> Lattice { Lattice(Matrix3.identity * a) }

    public var a: Double { norm(matrix[0]) }
    public var b: Double { norm(matrix[1]) }
    public var c: Double { norm(matrix[2]) }
    public var lengths: Vec3 { Vec3(a, b, c) }
    /// α, β, γ in degrees.
    public var angles: Vec3 {
        func angle(_ u: Vec3, _ v: Vec3) -> Double {
            acos(max(-1, min(1, dot(u, v) / (norm(u) * norm(v))))) * 180 / .pi
        }
        return Vec3(angle(matrix[1], matrix[2]), angle(matrix[0], matrix[2]), angle(matrix[0], matrix[1]))
    }
    /// [a, b, c, α, β, γ].
    public var parameters: [Double] { [a, b, c, angles.x, angles.y, angles.z] }
    /// Signed volume (Å³); negative for a left-handed basis.
    public var signedVolume: Double { matrix.determinant }
    public var volume: Double { abs(signedVolume) }
    /// Metric tensor G = L·Lᵀ.
    public var metric: Matrix3 { matrix * matrix.transpose }
    /// Reciprocal lattice with the 2π factor (rows are a*, b*, c*).
    public var reciprocal: Lattice { Lattice(inverse.transpose * (2 * .pi)) }
    /// Reciprocal lattice without the 2π factor (crystallographer's convention).
    public var reciprocalCrystallographic: Lattice { Lattice(inverse.transpose) }
    /// Spacing between lattice planes normal to a*, b*, c*.
    public var interplanarSpacings: Vec3 {
        let r = inverse.transpose
        return Vec3(1 / norm(r[0]), 1 / norm(r[1]), 1 / norm(r[2]))
    }

    public func cartesian(_ frac: Vec3) -> Vec3 { frac * matrix }
    public func fractional(_ cart: Vec3) -> Vec3 { cart * inverse }

    /// Shortest distance between two fractional points over all periodic images.
    public func minimumImageDistance(_ f1: Vec3, _ f2: Vec3) -> Double {
        minimumImage(f2 - f1).distance
    }

    /// Shortest image of a fractional difference vector, with the image offset that achieves it
    /// (exact for any cell: every shorter image lies inside the searched slab).
    public func minimumImage(_ df: Vec3) -> (distance: Double, image: SIMD3<Int>) {
        let shift = df.rounded(.toNearestOrEven)
        let base = df - shift
        let bound = norm(cartesian(base)) / interplanarSpacings
        var best = Double.infinity
        var bestImage = SIMD3<Int>(0, 0, 0)
        let lo = (-bound - base).rounded(.up), hi = (bound - base).rounded(.down)
        for i in Int(lo.x)...max(Int(lo.x), Int(hi.x)) {
            for j in Int(lo.y)...max(Int(lo.y), Int(hi.y)) {
                for k in Int(lo.z)...max(Int(lo.z), Int(hi.z)) {
                    let d = norm(cartesian(base + Vec3(Double(i), Double(j), Double(k))))
                    if d < best { best = d; bestImage = SIMD3(i - Int(shift.x), j - Int(shift.y), k - Int(shift.z)) }
                }
            }
        }
        return (best, bestImage)
    }

    /// Problems that make this lattice unusable (degenerate, inverted, tiny, NaN); empty if fine.
    public func problems(allowLeftHanded: Bool = true) -> [String] {
        var out: [String] = []
        let flat = matrix.array.flatMap { $0 }
        if flat.contains(where: { !$0.isFinite }) { return ["lattice contains NaN or infinite values"] }
        if volume < 0.1 { out.append(String(format: "cell volume %.3g Å³ is below 0.1 Å³ (degenerate lattice)", volume)) }
        if !allowLeftHanded && signedVolume < 0 { out.append("lattice vectors are left-handed (inverted cell)") }
        if min(a, b, c) < 1e-3 { out.append("a lattice vector has zero length") }
        return out
    }
}
