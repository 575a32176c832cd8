/// A 3-vector of doubles.
public typealias Vec3 = SIMD3<Double>

/// A 3×3 matrix stored as rows.
public struct Matrix3: Hashable, Sendable, Codable {
    public var rows: (Vec3, Vec3, Vec3)

    public init(_ r0: Vec3, _ r1: Vec3, _ r2: Vec3) { rows = (r0, r1, r2) }

    public init(_ m: [[Double]]) {
        precondition(m.count == 3 && m.allSatisfy { $0.count == 3 }, "Matrix3 needs 3×3 values")
        rows = (Vec3(m[0][0], m[0][1], m[0][2]), Vec3(m[1][0], m[1][1], m[1][2]), Vec3(m[2][0], m[2][1], m[2][2]))
    }

    public static let identity = Matrix3(Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1))

    public subscript(i: Int) -> Vec3 {
        get { i == 0 ? rows.0 : (i == 1 ? rows.1 : rows.2) }
        set { if i == 0 { rows.0 = newValue } else if i == 1 { rows.1 = newValue } else { rows.2 = newValue } }
    }

    public subscript(i: Int, j: Int) -> Double {
        get { self[i][j] }
        set { var r = self[i]; r[j] = newValue; self[i] = r }
    }

    public var array: [[Double]] { (0..<3).map { i in (0..<3).map { self[i][$0] } } }

    public var transpose: Matrix3 {
        Matrix3(Vec3(rows.0.x, rows.1.x, rows.2.x), Vec3(rows.0.y, rows.1.y, rows.2.y), Vec3(rows.0.z, rows.1.z, rows.2.z))
    }

    public var determinant: Double { dot(rows.0, cross(rows.1, rows.2)) }

    public var inverse: Matrix3 {
        let d = determinant
        let c0 = cross(rows.1, rows.2), c1 = cross(rows.2, rows.0), c2 = cross(rows.0, rows.1)
        return Matrix3(c0 / d, c1 / d, c2 / d).transpose
    }

    /// Row vector times matrix: v · M.
    public static func * (v: Vec3, m: Matrix3) -> Vec3 { v.x * m.rows.0 + v.y * m.rows.1 + v.z * m.rows.2 }
    /// Matrix times column vector: M · v.
    public static func * (m: Matrix3, v: Vec3) -> Vec3 { Vec3(dot(m.rows.0, v), dot(m.rows.1, v), dot(m.rows.2, v)) }
    public static func * (a: Matrix3, b: Matrix3) -> Matrix3 { Matrix3(a.rows.0 * b, a.rows.1 * b, a.rows.2 * b) }
    public static func * (a: Matrix3, s: Double) -> Matrix3 { Matrix3(a.rows.0 * s, a.rows.1 * s, a.rows.2 * s) }
    public static func + (a: Matrix3, b: Matrix3) -> Matrix3 { Matrix3(a.rows.0 + b.rows.0, a.rows.1 + b.rows.1, a.rows.2 + b.rows.2) }
    public static func - (a: Matrix3, b: Matrix3) -> Matrix3 { Matrix3(a.rows.0 - b.rows.0, a.rows.1 - b.rows.1, a.rows.2 - b.rows.2) }

    public static func == (a: Matrix3, b: Matrix3) -> Bool { a.rows.0 == b.rows.0 && a.rows.1 == b.rows.1 && a.rows.2 == b.rows.2 }
    public func hash(into h: inout Hasher) { h.combine(rows.0); h.combine(rows.1); h.combine(rows.2) }

    public init(from decoder: Decoder) throws { self.init(try [[Double]](from: decoder)) }
    public func encode(to encoder: Encoder) throws { try array.encode(to: encoder) }
}

@inlinable public func dot(_ a: Vec3, _ b: Vec3) -> Double { (a * b).sum() }
@inlinable public func cross(_ a: Vec3, _ b: Vec3) -> Vec3 {
    Vec3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
@inlinable public func norm(_ a: Vec3) -> Double { dot(a, a).squareRoot() }
