/// The Fast Inertial Relaxation Engine with ASE's semantics (`ase.optimize.FIRE`, no downhill
/// check): velocities mixed towards the force while power is positive, reset otherwise, and the
/// whole step scaled down when its Euclidean norm over all coordinates exceeds `maxstep`.
public struct FIRE: Minimizer {
    /// ASE's FIRE parameters and defaults.
    public struct Parameters: Sendable, Equatable {
        public var dt = 0.1
        public var maxstep = 0.2
        public var dtmax = 1.0
        public var nMin = 5
        public var finc = 1.1
        public var fdec = 0.5
        public var astart = 0.1
        public var fa = 0.99
        public var a = 0.1
        public init() {}
    }

    public let parameters: Parameters
    private var velocity: [Double]? = nil
    private var dt: Double
    private var a: Double
    private var stepsSinceReset = 0

    public init(_ parameters: Parameters = .init()) {
        self.parameters = parameters
        dt = parameters.dt
        a = parameters.a
    }

    public mutating func step(_ x: inout [Double], forces f: [Double]) {
        let p = parameters
        var v: [Double]
        if let old = velocity {
            v = old
            let vf = dotProduct(f, v)
            if vf > 0 {
                let scale = a * (dotProduct(v, v) / dotProduct(f, f)).squareRoot()
                for i in v.indices { v[i] = (1 - a) * v[i] + scale * f[i] }
                if stepsSinceReset > p.nMin {
                    dt = min(dt * p.finc, p.dtmax)
                    a *= p.fa
                }
                stepsSinceReset += 1
            } else {
                for i in v.indices { v[i] = 0 }
                a = p.astart
                dt *= p.fdec
                stepsSinceReset = 0
            }
        } else {
            v = [Double](repeating: 0, count: f.count)
        }
        for i in v.indices { v[i] += dt * f[i] }
        var normSquared = 0.0
        for i in v.indices { normSquared += (dt * v[i]) * (dt * v[i]) }
        let shrink = normSquared.squareRoot() > p.maxstep ? p.maxstep / normSquared.squareRoot() : 1
        for i in x.indices { x[i] += dt * v[i] * shrink }
        velocity = v
    }
}

@inline(__always) func dotProduct(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
}
