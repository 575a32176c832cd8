/// BFGS with a dense Hessian, ASE's `ase.optimize.BFGS`: the step is Σ vₖvₖᵀf/|λₖ| over the
/// Hessian's eigenpairs, scaled down as a whole when some row (atom) would move more than
/// `maxstep`.
public struct BFGS: Minimizer {
    public let maxstep: Double
    private var hessian: [Double]
    private let n: Int
    private var previous: (x: [Double], forces: [Double])? = nil

    public init(maxstep: Double = 0.2, alpha: Double = 70, dimension: Int) {
        self.maxstep = maxstep
        n = dimension
        hessian = [Double](repeating: 0, count: dimension * dimension)
        for i in 0..<dimension { hessian[i * dimension + i] = alpha }
    }

    public mutating func step(_ x: inout [Double], forces f: [Double]) {
        if let (x0, f0) = previous { update(dx: zip(x, x0).map { $0 - $1 }, dg: zip(f0, f).map { $0 - $1 }) }
        previous = (x, f)
        let (values, vectors) = SymmetricEigen.decompose(hessian, n: n)
        var dx = [Double](repeating: 0, count: n)
        for k in 0..<n {
            var c = 0.0
            for i in 0..<n { c += vectors[i * n + k] * f[i] }
            c /= abs(values[k])
            for i in 0..<n { dx[i] += c * vectors[i * n + k] }
        }
        let longest = maxRowNorm(dx)
        let scale = longest >= maxstep ? maxstep / longest : 1
        for i in 0..<n { x[i] += dx[i] * scale }
    }

    /// The BFGS update with position change dx and gradient change dg (skipped when the
    /// configuration repeats).
    private mutating func update(dx: [Double], dg: [Double]) {
        guard dx.contains(where: { abs($0) >= 1e-7 }) else { return }
        let a = dotProduct(dx, dg)
        var hdx = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = 0.0
            for j in 0..<n { s += hessian[i * n + j] * dx[j] }
            hdx[i] = s
        }
        let b = dotProduct(dx, hdx)
        for i in 0..<n {
            for j in 0..<n { hessian[i * n + j] += dg[i] * dg[j] / a - hdx[i] * hdx[j] / b }
        }
    }
}
