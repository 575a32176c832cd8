import Crystal
import Foundation

/// Lattice helpers that reproduce pymatgen's choices exactly where the matcher's answers depend
/// on them: its LLL variant (used for the 27-image shortest vectors) and `find_all_mappings`.
enum LatticeSearch {
    /// pymatgen's `Lattice._calculate_lll` (δ = 0.75): reduced rows and the integer mapping
    /// (reduced = mapping · matrix).
    static func lll(_ matrix: Matrix3, delta: Double = 0.75) -> (reduced: Matrix3, mapping: Matrix3) {
        var a = [matrix[0], matrix[1], matrix[2]]
        var map = [Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1)]
        var b = [Vec3](repeating: .zero, count: 3)
        var u = [[Double]](repeating: [0, 0, 0], count: 3)
        var m = [0.0, 0, 0]
        func orthogonalize(_ s: Int) {
            var v = a[s]
            for j in 0..<s {
                u[s][j] = dot(a[s], b[j]) / m[j]
                v -= u[s][j] * b[j]
            }
            b[s] = v
            m[s] = dot(v, v)
        }
        for s in 0..<3 { orthogonalize(s) }
        var k = 2
        var guardCount = 0
        while k <= 3 && guardCount < 10_000 {
            guardCount += 1
            for i in stride(from: k - 1, through: 1, by: -1) {
                let q = u[k - 1][i - 1].rounded(.toNearestOrEven)
                if q != 0 {
                    a[k - 1] -= q * a[i - 1]
                    map[k - 1] -= q * map[i - 1]
                    for j in 0..<(i - 1) { u[k - 1][j] -= q * u[i - 1][j] }
                    u[k - 1][i - 1] -= q
                }
            }
            if dot(b[k - 1], b[k - 1]) >= (delta - u[k - 1][k - 2] * u[k - 1][k - 2]) * dot(b[k - 2], b[k - 2]) {
                k += 1
            } else {
                a.swapAt(k - 1, k - 2)
                map.swapAt(k - 1, k - 2)
                for s in (k - 1)...k { orthogonalize(s - 1) }
                if k > 2 {
                    k -= 1
                } else {
                    for r in k..<3 { for c in (k - 2)..<k { u[r][c] = dot(a[r], b[c]) / m[c] } }
                }
            }
        }
        return (Matrix3(a[0], a[1], a[2]), Matrix3(map[0], map[1], map[2]))
    }

    /// Lattices spanned by vectors of `lattice` whose lengths and angles match `target` within
    /// `ltol` (fractional) and `angleTol` (degrees), with |det(scale)| ≈ `determinant`
    /// (pymatgen's `find_all_mappings` filtered as in `StructureMatcher._get_lattices`).
    static func mappings(of lattice: Lattice, onto target: Lattice, ltol: Double, angleTol: Double,
                         determinant: Int) -> [(aligned: Matrix3, scale: Matrix3)] {
        let lengths = target.lengths
        let angles = target.angles
        let radius = lengths.max() * (1 + ltol)
        let spacing = lattice.interplanarSpacings
        // Cells flatter than 1:500 (or non-finite) would need an unbounded search; none is made.
        let reach = radius / spacing.min()
        guard reach.isFinite, reach <= 500 else { return [] }
        let n = SIMD3<Int>(Int((radius / spacing.x).rounded(.up)), Int((radius / spacing.y).rounded(.up)),
                           Int((radius / spacing.z).rounded(.up)))
        var candidates: [[(frac: Vec3, cart: Vec3, length: Double)]] = [[], [], []]
        for i in -n.x...n.x {
            for j in -n.y...n.y {
                for k in -n.z...n.z {
                    let f = Vec3(Double(i), Double(j), Double(k))
                    let c = lattice.cartesian(f)
                    let d = norm(c)
                    if d > radius { continue }
                    for axis in 0..<3 {
                        let r = d / lengths[axis]
                        if r < 1 + ltol && r > 1 / (1 + ltol) { candidates[axis].append((f, c, d)) }
                    }
                }
            }
        }
        func angle(_ p: (frac: Vec3, cart: Vec3, length: Double), _ q: (frac: Vec3, cart: Vec3, length: Double)) -> Double {
            let x = max(-1, min(1, dot(p.cart, q.cart) / p.length / q.length))
            return acos(x) * 180 / .pi
        }
        let ca = candidates[0], cb = candidates[1], cc = candidates[2]
        // alphaOK[j][k]: angle(b_j, c_k) ≈ α;  betaOK[i][k]: angle(a_i, c_k) ≈ β.
        let alphaOK = cb.map { bj in cc.map { abs(angle(bj, $0) - angles.x) <= angleTol } }
        let betaOK = ca.map { ai in cc.map { abs(angle(ai, $0) - angles.y) <= angleTol } }
        var out: [(Matrix3, Matrix3)] = []
        for i in ca.indices {
            for j in cb.indices where abs(angle(ca[i], cb[j]) - angles.z) <= angleTol {
                for k in cc.indices where alphaOK[j][k] && betaOK[i][k] {
                    let scale = Matrix3(ca[i].frac, cb[j].frac, cc[k].frac)
                    let det = abs(scale.determinant)
                    if det < 1e-8 || abs(det - Double(determinant)) > 0.5 { continue }
                    out.append((Matrix3(ca[i].cart, cb[j].cart, cc[k].cart), scale))
                }
            }
        }
        return out
    }

    /// Lattice points of the parent lattice inside the supercell `m`, in supercell fractional
    /// coordinates (pymatgen's `lattice_points_in_supercell`).
    static func latticePoints(in m: Matrix3) -> [Vec3] {
        var lo = Vec3(repeating: .infinity), hi = Vec3(repeating: -.infinity)
        for c in 0..<8 {
            let p = Vec3(Double(c >> 2 & 1), Double(c >> 1 & 1), Double(c & 1)) * m
            lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
        }
        let inv = m.inverse
        var out: [Vec3] = []
        for i in Int(lo.x)..<(Int(hi.x) + 1) {
            for j in Int(lo.y)..<(Int(hi.y) + 1) {
                for k in Int(lo.z)..<(Int(hi.z) + 1) {
                    let f = Vec3(Double(i), Double(j), Double(k)) * inv
                    if f.max() < 1 - 1e-10 && f.min() >= -1e-10 { out.append(f) }
                }
            }
        }
        return out
    }
}

/// Element-wise absolute value.
@inline(__always) func absolute(_ v: Vec3) -> Vec3 { v.replacing(with: -v, where: v .< 0) }
