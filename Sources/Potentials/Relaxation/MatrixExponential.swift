import Crystal
import Foundation

/// Matrix exponential of small dense matrices and its Fréchet derivative, as needed by the
/// Fréchet cell filter (scipy's `expm` and `expm_frechet` in ASE).
public enum MatrixExponential {
    /// exp(A) for a 3×3 matrix.
    public static func exp(_ a: Matrix3) -> Matrix3 {
        let e = expm(flat(a), n: 3)
        return Matrix3(Vec3(e[0], e[1], e[2]), Vec3(e[3], e[4], e[5]), Vec3(e[6], e[7], e[8]))
    }

    /// Fréchet derivative L(A, E) = d/dt exp(A + tE) at t = 0, the upper-right block of
    /// exp([[A, E], [0, A]]) (Higham's block formula).
    public static func frechet(_ a: Matrix3, direction e: Matrix3) -> Matrix3 {
        var block = [Double](repeating: 0, count: 36)
        for i in 0..<3 {
            for j in 0..<3 {
                block[i * 6 + j] = a[i, j]
                block[(i + 3) * 6 + j + 3] = a[i, j]
                block[i * 6 + j + 3] = e[i, j]
            }
        }
        let x = expm(block, n: 6)
        return Matrix3(Vec3(x[3], x[4], x[5]), Vec3(x[9], x[10], x[11]), Vec3(x[15], x[16], x[17]))
    }

    private static func flat(_ m: Matrix3) -> [Double] {
        [m[0, 0], m[0, 1], m[0, 2], m[1, 0], m[1, 1], m[1, 2], m[2, 0], m[2, 1], m[2, 2]]
    }

    /// exp(A) of a row-major n×n matrix by scaling and squaring with a Taylor series that is
    /// summed until its terms vanish in double precision.
    private static func expm(_ a: [Double], n: Int) -> [Double] {
        var norm1 = 0.0
        for j in 0..<n {
            var s = 0.0
            for i in 0..<n { s += abs(a[i * n + j]) }
            norm1 = max(norm1, s)
        }
        guard norm1.isFinite else { return [Double](repeating: .nan, count: n * n) }
        let squarings = norm1 > 0.5 ? Int((log2(norm1 / 0.5)).rounded(.up)) : 0
        let scale = 1 / Double(1 << min(squarings, 60))
        let b = a.map { $0 * scale }
        var result = [Double](repeating: 0, count: n * n)
        for i in 0..<n { result[i * n + i] = 1 }
        var term = result
        for k in 1...30 {
            term = multiply(term, b, n: n).map { $0 / Double(k) }
            var largest = 0.0
            for i in 0..<(n * n) {
                result[i] += term[i]
                largest = max(largest, abs(term[i]))
            }
            if largest < 1e-18 { break }
        }
        for _ in 0..<squarings { result = multiply(result, result, n: n) }
        return result
    }

    private static func multiply(_ x: [Double], _ y: [Double], n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<n {
                let xik = x[i * n + k]
                if xik == 0 { continue }
                for j in 0..<n { out[i * n + j] += xik * y[k * n + j] }
            }
        }
        return out
    }
}
