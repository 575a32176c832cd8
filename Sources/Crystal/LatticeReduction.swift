import Foundation

extension Lattice {
    /// LLL-reduced lattice (δ = 0.75) and the integer matrix M with reduced = M · self.
    public func lllReduced(delta: Double = 0.75) -> (lattice: Lattice, mapping: Matrix3) {
        var b = [matrix[0], matrix[1], matrix[2]]
        var m = [Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1)]
        func gramSchmidt() -> ([Vec3], [[Double]]) {
            var bs = b
            var mu = [[Double]](repeating: [0, 0, 0], count: 3)
            for i in 0..<3 {
                for j in 0..<i {
                    mu[i][j] = dot(b[i], bs[j]) / dot(bs[j], bs[j])
                    bs[i] -= mu[i][j] * bs[j]
                }
            }
            return (bs, mu)
        }
        var k = 1
        var guardCount = 0
        while k < 3 && guardCount < 1000 {
            guardCount += 1
            for j in stride(from: k - 1, through: 0, by: -1) {
                let (_, mu) = gramSchmidt()
                let q = mu[k][j].rounded()
                if q != 0 {
                    b[k] -= q * b[j]
                    m[k] -= q * m[j]
                }
            }
            let (bs, mu) = gramSchmidt()
            if dot(bs[k], bs[k]) >= (delta - mu[k][k - 1] * mu[k][k - 1]) * dot(bs[k - 1], bs[k - 1]) {
                k += 1
            } else {
                b.swapAt(k, k - 1)
                m.swapAt(k, k - 1)
                k = max(k - 1, 1)
            }
        }
        return (Lattice(Matrix3(b[0], b[1], b[2])), Matrix3(m[0], m[1], m[2]))
    }

    /// Niggli-reduced lattice (Křivý & Gruber 1976 with the tolerance handling of
    /// Grosse-Kunstleve et al. 2004, as pymatgen's `get_niggli_reduced_lattice`).
    /// The result is right-handed and its parameters are unique.
    public func niggliReduced(tolerance: Double = 1e-5) -> Lattice {
        var l = lllReduced().lattice.matrix
        let e = tolerance * pow(volume, 1.0 / 3.0)
        func apply(_ m: Matrix3) { l = m.transpose * l }
        func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }
        for _ in 0..<100 {
            var g = l * l.transpose
            var (A, B, C, E, N, Y) = (g[0, 0], g[1, 1], g[2, 2], 2 * g[1, 2], 2 * g[0, 2], 2 * g[0, 1])
            if B + e < A || (abs(A - B) < e && abs(E) > abs(N) + e) {  // A1
                apply(Matrix3([[0, -1, 0], [-1, 0, 0], [0, 0, -1]]))
                g = l * l.transpose
                (A, B, C, E, N, Y) = (g[0, 0], g[1, 1], g[2, 2], 2 * g[1, 2], 2 * g[0, 2], 2 * g[0, 1])
            }
            if C + e < B || (abs(B - C) < e && abs(N) > abs(Y) + e) {  // A2
                apply(Matrix3([[-1, 0, 0], [0, 0, -1], [0, -1, 0]]))
                continue
            }
            let li = abs(E) < e ? 0.0 : sign(E), mi = abs(N) < e ? 0.0 : sign(N), ni = abs(Y) < e ? 0.0 : sign(Y)
            if li * mi * ni == 1 {  // A3
                apply(Matrix3([[li == -1 ? -1 : 1, 0, 0], [0, mi == -1 ? -1 : 1, 0], [0, 0, ni == -1 ? -1 : 1]]))
            } else if li * mi * ni == 0 || li * mi * ni == -1 {  // A4
                var i = li == 1 ? -1.0 : 1, j = mi == 1 ? -1.0 : 1, k = ni == 1 ? -1.0 : 1
                if i * j * k == -1 {
                    if ni == 0 { k = -1 } else if mi == 0 { j = -1 } else if li == 0 { i = -1 }
                }
                apply(Matrix3([[i, 0, 0], [0, j, 0], [0, 0, k]]))
            }
            g = l * l.transpose
            (A, B, C, E, N, Y) = (g[0, 0], g[1, 1], g[2, 2], 2 * g[1, 2], 2 * g[0, 2], 2 * g[0, 1])
            if abs(E) > B + e || (abs(E - B) < e && Y - e > 2 * N) || (abs(E + B) < e && -e > Y) {  // A5
                apply(Matrix3([[1, 0, 0], [0, 1, -sign(E)], [0, 0, 1]]))
                continue
            }
            if abs(N) > A + e || (abs(A - N) < e && Y - e > 2 * E) || (abs(A + N) < e && -e > Y) {  // A6
                apply(Matrix3([[1, 0, -sign(N)], [0, 1, 0], [0, 0, 1]]))
                continue
            }
            if abs(Y) > A + e || (abs(A - Y) < e && N - e > 2 * E) || (abs(A + Y) < e && -e > N) {  // A7
                apply(Matrix3([[1, -sign(Y), 0], [0, 1, 0], [0, 0, 1]]))
                continue
            }
            if -e > E + N + Y + A + B || (abs(E + N + Y + A + B) < e && e < Y + (A + N) * 2) {  // A8
                apply(Matrix3([[1, 0, 1], [0, 1, 1], [0, 0, 1]]))
                continue
            }
            break
        }
        return Lattice(l.determinant < 0 ? l * -1 : l)
    }
}
