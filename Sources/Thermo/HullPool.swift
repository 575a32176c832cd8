/// The competing phases of one chemical system, in dense local coordinates, and the linear
/// program that gives the lower convex hull at any composition of that system.
///
/// The hull energy at composition c is min Σ λᵢ fᵢ subject to Σ λᵢ xᵢ = c, λ ≥ 0, where xᵢ are the
/// atom fractions and fᵢ the formation energies per atom of the candidates. Rows 0..<k are the
/// elemental references (unit vectors, f = 0), so the elements form a feasible starting basis and
/// no phase-1 is needed. The optimal basis is the facet containing c, its weights are the
/// decomposition (atom fractions) and its dual is the facet's chemical potentials. Degenerate
/// inputs (points on facets, collinear sets) only cause degenerate pivots; Bland's rule takes over
/// after a few iterations so the method cannot cycle.
struct HullPool {
    /// Number of elements (local coordinates).
    let k: Int
    /// Atom fractions, row-major n × k.
    private(set) var x: [Double] = []
    /// Formation energy per atom of each row.
    private(set) var f: [Double] = []
    /// Caller's index of each row (entry index).
    private(set) var owner: [Int] = []

    var count: Int { f.count }

    init(k: Int) { self.k = k }

    mutating func append(fractions: [Double], formationEnergy: Double, owner: Int) {
        x.append(contentsOf: fractions)
        f.append(formationEnergy)
        self.owner.append(owner)
    }

    /// Optimal facet at `c`: basis rows, their weights and the hull energy Σ λᵢ fᵢ.
    struct Solution {
        var rows: [Int]
        var weights: [Double]
        var energy: Double
    }

    /// Reduced-cost threshold: a column enters only if it lowers the hull by more than this (eV/atom).
    static let optimalityTolerance = 1e-12

    /// Solves the hull LP at composition `c` (k fractions summing to 1), ignoring rows for which
    /// `excluded` is true (never the elemental rows 0..<k).
    func lowerHull(at c: [Double], excluded: (Int) -> Bool = { _ in false }) -> Solution {
        let k = self.k, n = count
        var basis = Array(0..<k)
        var inBasis = [Bool](repeating: false, count: n)
        for j in 0..<k { inBasis[j] = true }
        var lu = [Double](repeating: 0, count: k * k)
        var perm = [Int](repeating: 0, count: k)
        var lambda = [Double](repeating: 0, count: k)
        var y = [Double](repeating: 0, count: k)
        var d = [Double](repeating: 0, count: k)
        var rhs = [Double](repeating: 0, count: k)
        let maxIterations = 50 * (k + 1) + 4 * n
        var iteration = 0
        x.withUnsafeBufferPointer { xs in
            f.withUnsafeBufferPointer { fs in
                while true {
                    iteration += 1
                    // B[r][j] = x[basis[j]][r]
                    for r in 0..<k { for j in 0..<k { lu[r * k + j] = xs[basis[j] * k + r] } }
                    guard Self.factor(&lu, &perm, k) else { break }
                    for r in 0..<k { rhs[r] = c[r] }
                    Self.solve(lu, perm, k, &rhs, transpose: false)
                    for r in 0..<k { lambda[r] = max(rhs[r], 0) }
                    for j in 0..<k { y[j] = fs[basis[j]] }
                    Self.solve(lu, perm, k, &y, transpose: true)
                    // Pricing: Dantzig's most negative reduced cost, Bland's first after many iterations.
                    let bland = iteration > 2 * k + 10
                    var entering = -1
                    var best = -Self.optimalityTolerance
                    for i in 0..<n where !inBasis[i] && !excluded(i) {
                        var r = fs[i]
                        let base = i * k
                        for j in 0..<k { r -= y[j] * xs[base + j] }
                        if r < best {
                            best = r
                            entering = i
                            if bland { break }
                        }
                    }
                    if entering < 0 || iteration > maxIterations { break }
                    for r in 0..<k { d[r] = xs[entering * k + r] }
                    Self.solve(lu, perm, k, &d, transpose: false)
                    var leave = -1
                    var ratio = Double.infinity
                    for j in 0..<k where d[j] > 1e-12 {
                        let t = lambda[j] / d[j]
                        if t < ratio - 1e-15 || (t <= ratio + 1e-15 && leave >= 0 && basis[j] < basis[leave]) {
                            if t < ratio { ratio = t }
                            leave = j
                        }
                    }
                    guard leave >= 0 else { break }
                    inBasis[basis[leave]] = false
                    basis[leave] = entering
                    inBasis[entering] = true
                }
            }
        }
        var energy = 0.0
        for j in 0..<k { energy += lambda[j] * f[basis[j]] }
        return Solution(rows: basis, weights: lambda, energy: energy)
    }

    /// In-place LU factorisation with partial pivoting (row permutation in `perm`).
    private static func factor(_ a: inout [Double], _ perm: inout [Int], _ k: Int) -> Bool {
        for i in 0..<k { perm[i] = i }
        for col in 0..<k {
            var p = col
            var big = abs(a[col * k + col])
            for r in (col + 1)..<max(col + 1, k) where abs(a[r * k + col]) > big {
                big = abs(a[r * k + col]); p = r
            }
            if big < 1e-300 { return false }
            if p != col {
                for j in 0..<k { a.swapAt(p * k + j, col * k + j) }
                perm.swapAt(p, col)
            }
            let piv = a[col * k + col]
            for r in (col + 1)..<max(col + 1, k) {
                let m = a[r * k + col] / piv
                a[r * k + col] = m
                if m != 0 { for j in (col + 1)..<k { a[r * k + j] -= m * a[col * k + j] } }
            }
        }
        return true
    }

    /// Solves B z = b (or Bᵀ z = b) in place, with B = Pᵀ L U from `factor`.
    private static func solve(_ lu: [Double], _ perm: [Int], _ k: Int, _ b: inout [Double], transpose: Bool) {
        if !transpose {
            var z = perm.map { b[$0] }
            for i in 0..<k { for j in 0..<i { z[i] -= lu[i * k + j] * z[j] } }
            for i in stride(from: k - 1, through: 0, by: -1) {
                for j in (i + 1)..<max(i + 1, k) { z[i] -= lu[i * k + j] * z[j] }
                z[i] /= lu[i * k + i]
            }
            b = z
        } else {
            // Bᵀ = Uᵀ Lᵀ P: solve Uᵀ w = b, Lᵀ v = w, then z = Pᵀ v.
            var w = b
            for i in 0..<k {
                for j in 0..<i { w[i] -= lu[j * k + i] * w[j] }
                w[i] /= lu[i * k + i]
            }
            for i in stride(from: k - 1, through: 0, by: -1) {
                for j in (i + 1)..<max(i + 1, k) { w[i] -= lu[j * k + i] * w[j] }
            }
            for i in 0..<k { b[perm[i]] = w[i] }
        }
    }
}
