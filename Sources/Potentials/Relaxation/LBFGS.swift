/// Limited-memory BFGS without line search, ASE's `ase.optimize.LBFGS`: the two-loop recursion
/// over the last `memory` steps from an initial inverse Hessian 1/α, the step scaled down as a
/// whole when some row (atom) would move more than `maxstep`, then multiplied by `damping`.
public struct LBFGS: Minimizer {
    public let maxstep: Double
    public let memory: Int
    public let damping: Double
    public let alpha: Double
    private var s: [[Double]] = []
    private var y: [[Double]] = []
    private var rho: [Double] = []
    private var iteration = 0
    private var previous: (x: [Double], forces: [Double])? = nil

    public init(maxstep: Double = 0.2, memory: Int = 100, damping: Double = 1, alpha: Double = 70) {
        self.maxstep = maxstep
        self.memory = memory
        self.damping = damping
        self.alpha = alpha
    }

    public mutating func step(_ x: inout [Double], forces f: [Double]) {
        if iteration > 0, let (x0, f0) = previous {
            let sk = zip(x, x0).map { $0 - $1 }, yk = zip(f0, f).map { $0 - $1 }
            s.append(sk); y.append(yk); rho.append(1 / dotProduct(yk, sk))
            if iteration > memory { s.removeFirst(); y.removeFirst(); rho.removeFirst() }
        }
        let loops = min(memory, iteration)
        var q = f.map { -$0 }
        var a = [Double](repeating: 0, count: loops)
        for i in stride(from: loops - 1, through: 0, by: -1) {
            a[i] = rho[i] * dotProduct(s[i], q)
            for j in q.indices { q[j] -= a[i] * y[i][j] }
        }
        var z = q.map { $0 / alpha }
        for i in 0..<loops {
            let b = rho[i] * dotProduct(y[i], z)
            for j in z.indices { z[j] += s[i][j] * (a[i] - b) }
        }
        iteration += 1
        let longest = maxRowNorm(z)
        let scale = (longest >= maxstep ? maxstep / longest : 1) * damping
        previous = (x, f)
        for i in x.indices { x[i] -= z[i] * scale }
    }
}
