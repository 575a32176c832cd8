import Foundation

/// A crystallographic symmetry operation on fractional coordinates: x′ = R·x + t (column vectors).
/// Also the coordinate triplet of a Wyckoff position, where R may be singular (e.g. "x, x, 0").
public struct SymmetryOperation: Hashable, Sendable, CustomStringConvertible {
    /// The rotation part R (for a space-group operation an integer matrix, stored as doubles).
    public var rotation: Matrix3
    /// The translation part t, in fractional coordinates.
    public var translation: Vec3

    public init(rotation: Matrix3, translation: Vec3) {
        self.rotation = rotation
        self.translation = translation
    }

    public static let identity = SymmetryOperation(rotation: .identity, translation: .zero)

    /// Parses a Jones-faithful "x, y, z" string such as "-x+1/2, y-x, z+0.25" or "2x, x, 1/4" (case and
    /// spaces ignored; a term is an optional sign, a number or fraction, an optional "*" and an axis).
    /// Throws `Invalid` when a term is not understood, or when the rotation's determinant is not ±1
    /// unless `allowSingular` (Wyckoff position triplets).
    public init(xyz: String, allowSingular: Bool = false) throws {
        let text = xyz.lowercased().filter { $0 != " " && $0 != "\t" }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw Invalid(text: xyz, reason: "needs three comma-separated parts") }
        var rows: [Vec3] = []
        var t = Vec3.zero
        for (i, part) in parts.enumerated() {
            let (row, shift) = try Self.parseComponent(Array(part.utf8), whole: xyz)
            rows.append(row)
            t[i] = shift
        }
        let r = Matrix3(rows[0], rows[1], rows[2])
        guard allowSingular || abs(abs(r.determinant) - 1) < 1e-6 else {
            throw Invalid(text: xyz, reason: "rotation part has determinant \(r.determinant), not ±1")
        }
        self.init(rotation: r, translation: t)
    }

    /// Why an "x, y, z" string was rejected.
    public struct Invalid: Error, CustomStringConvertible {
        public var text: String
        public var reason: String
        public var description: String { "symmetry operation '\(text)': \(reason)" }
    }

    /// One component such as "-x+y+1/2": coefficients of x, y, z and the constant term.
    static func parseComponent(_ s: [UInt8], whole: String) throws -> (Vec3, Double) {
        guard !s.isEmpty else { throw Invalid(text: whole, reason: "empty component") }
        var row = Vec3.zero, shift = 0.0
        var i = 0
        while i < s.count {
            var sign = 1.0
            if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
                sign = s[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
            }
            var value: Double? = nil
            let numStart = i
            while i < s.count, (s[i] >= UInt8(ascii: "0") && s[i] <= UInt8(ascii: "9")) || s[i] == UInt8(ascii: ".") { i += 1 }
            if i > numStart {
                guard let num = Double(String(decoding: s[numStart..<i], as: UTF8.self)) else {
                    throw Invalid(text: whole, reason: "bad number")
                }
                value = num
                if i < s.count, s[i] == UInt8(ascii: "/") {
                    i += 1
                    let denStart = i
                    while i < s.count, (s[i] >= UInt8(ascii: "0") && s[i] <= UInt8(ascii: "9")) || s[i] == UInt8(ascii: ".") { i += 1 }
                    guard i > denStart, let den = Double(String(decoding: s[denStart..<i], as: UTF8.self)), den != 0 else {
                        throw Invalid(text: whole, reason: "bad fraction")
                    }
                    value = num / den
                }
                if i < s.count, s[i] == UInt8(ascii: "*") { i += 1 }
            }
            if i < s.count, s[i] >= UInt8(ascii: "x"), s[i] <= UInt8(ascii: "z") {
                row[Int(s[i] - UInt8(ascii: "x"))] += sign * (value ?? 1)
                i += 1
            } else if let v = value {
                shift += sign * v
            } else {
                throw Invalid(text: whole, reason: "unexpected character")
            }
        }
        return (row, shift)
    }

    /// Applies the operation to fractional coordinates.
    @inline(__always)
    public func apply(_ f: Vec3) -> Vec3 { rotation * f + translation }

    /// The operation in Cartesian coordinates of `lattice` (x′ = W·x + w, x = Lᵀ·f): an orthogonal W
    /// when the lattice is exactly symmetric.
    public func cartesian(in lattice: Lattice) -> (rotation: Matrix3, translation: Vec3) {
        let lt = lattice.matrix.transpose
        return (lt * rotation * lattice.inverse.transpose, lt * translation)
    }

    /// True when the operation is a pure lattice translation (R = 1), e.g. a centring vector.
    public var isTranslation: Bool { rotation == .identity }

    /// The operation as an "x, y, z" string, e.g. "-x+1/2, y, -z".
    public var xyz: String {
        (0..<3).map { i -> String in
            var s = ""
            let row = rotation[i]
            for (j, name) in ["x", "y", "z"].enumerated() where row[j] != 0 {
                let c = row[j]
                s += c < 0 ? "-" : (s.isEmpty ? "" : "+")
                if abs(abs(c) - 1) > 1e-12 { s += Self.number(abs(c)) }
                s += name
            }
            let t = translation[i]
            if abs(t) > 1e-12 { s += (t < 0 ? "-" : (s.isEmpty ? "" : "+")) + Self.number(abs(t)) }
            return s.isEmpty ? "0" : s
        }.joined(separator: ", ")
    }

    public var description: String { xyz }

    /// A number as a small fraction when it is one (1/2, 2/3, 3/4, 5/6, ...), else in decimals.
    static func number(_ v: Double) -> String {
        for den in [1, 2, 3, 4, 6, 8, 12] where v < 1e9 {
            let num = (v * Double(den)).rounded()
            if abs(num / Double(den) - v) < 1e-10 {
                return den == 1 ? String(Int(num)) : "\(Int(num))/\(den)"
            }
        }
        return String(format: "%.10g", v)
    }
}
