/// Equivariant features: for each degree l, a tensor [N, 2l+1, multiplicity] (channels last, so a
/// linear map over channels is `Tensor.linear`). Every irrep is even (SevenNet's parity-free
/// setting): the degree alone names it.
public typealias IrrepFeatures = [Int: Tensor]

/// A multiplicity and degree, e3nn's `128x1e`.
public struct IrrepBlock: Sendable, Equatable, Decodable {
    public var multiplicity: Int
    public var degree: Int

    /// Decodes e3nn's `[mul, l]` pair.
    public init(from decoder: Decoder) throws {
        var c = try decoder.unkeyedContainer()
        multiplicity = try c.decode(Int.self)
        degree = try c.decode(Int.self)
    }
}

/// e3nn's `Linear` between even irreps: an independent channel-mixing matrix per degree,
/// [out, in] each (the effective matrix, e3nn's 1/√fan-in already applied). Degrees without a
/// matrix give no output; equivariant because the same matrix acts on every component m.
public struct IrrepsLinear: @unchecked Sendable {  // constant (untracked) tensors only
    public var weights: [Int: Tensor]
    /// Bias [out] on the l = 0 outputs (only scalars may carry one), or nil.
    public var scalarBias: Tensor?

    public init(weights: [Int: Tensor], scalarBias: Tensor? = nil) {
        self.weights = weights
        self.scalarBias = scalarBias
    }

    public func callAsFunction(_ x: IrrepFeatures) -> IrrepFeatures {
        var out: IrrepFeatures = [:]
        for (l, w) in weights { if let f = x[l] { out[l] = f.linear(weight: w, bias: l == 0 ? scalarBias : nil) } }
        return out
    }
}

/// One path l1 ⊗ l2 → l3 of a "uvu" tensor product: channel u of the input irrep l1 couples with
/// the (single-channel) filter l2 into channel u of the output l3, scaled by a per-edge weight.
public struct TensorProductPath: Sendable, Decodable {
    public var l1: Int
    public var l2: Int
    public var l3: Int
    /// Channels of the l1 input (= of the l3 output of this path).
    public var mul: Int
    /// e3nn's normalisation constant of the path.
    public var pathWeight: Double

    enum CodingKeys: String, CodingKey {
        case l1, l2, l3, mul
        case pathWeight = "path_weight"
    }
}

/// e3nn's `TensorProduct` in "uvu" mode with external per-edge weights (NequIP's convolution):
/// out_{l3}[e, m3, u] = c · w[e, u] · Σ_{m1, m2} C^{l1 l2 l3}_{m1 m2 m3} x_{l1}[e, m1, u] Y_{l2}[e, m2].
/// Paths are listed grouped by l3; outputs of one l3 are concatenated along channels in path order.
/// Each path has its own per-edge weights [E, mul] (e3nn's flat weight vector cut at the paths).
public struct UVUTensorProduct: Sendable {
    public let paths: [TensorProductPath]
    /// Per path: C · c as a row-major [2l2+1, (2l1+1)(2l3+1)] matrix, so Y_{l2}·M gives the
    /// per-edge [2l1+1, 2l3+1] coupling.
    private let couplings: [[Double]]

    public init(paths: [TensorProductPath]) {
        precondition(zip(paths, paths.dropFirst()).allSatisfy { $0.l3 <= $1.l3 }, "UVUTensorProduct: paths must be grouped by l3")
        self.paths = paths
        couplings = paths.map { p in
            let c = Wigner3j.coefficients(p.l1, p.l2, p.l3)
            let (d1, d2, d3) = (2 * p.l1 + 1, 2 * p.l2 + 1, 2 * p.l3 + 1)
            var m = [Double](repeating: 0, count: d2 * d1 * d3)
            for a in 0..<d1 { for b in 0..<d2 { for k in 0..<d3 {
                m[b * d1 * d3 + a * d3 + k] = c[(a * d2 + b) * d3 + k] * p.pathWeight
            } } }
            return m
        }
    }

    /// Number of per-edge weights (Σ channels over paths).
    public var weightCount: Int { paths.reduce(0) { $0 + $1.mul } }

    /// x: per-edge inputs [E, 2l1+1, mul] by degree; filter: [E, 2l2+1] by degree;
    /// weights: [E, mul] per path. Returns [E, 2l3+1, Σ channels] by output degree.
    public func callAsFunction(_ x: IrrepFeatures, filter: [Tensor], weights: [Tensor]) -> IrrepFeatures {
        precondition(weights.count == paths.count, "UVUTensorProduct: \(weights.count) weight tensors for \(paths.count) paths")
        let e = filter[0].shape[0]
        var parts: [Int: [Tensor]] = [:]
        for ((p, coupling), weight) in zip(zip(paths, couplings), weights) {
            guard let input = x[p.l1] else { preconditionFailure("UVUTensorProduct: no input of degree \(p.l1)") }
            let d = (2 * p.l2 + 1, (2 * p.l1 + 1) * (2 * p.l3 + 1))
            let matrix = filter[p.l2].dtype == .float64 ? Tensor(shape: [d.0, d.1], scalars: coupling)
                : Tensor(shape: [d.0, d.1], scalars: coupling.map(Float.init))
            let m = filter[p.l2].matmul(matrix).reshaped(to: [e, 2 * p.l1 + 1, 2 * p.l3 + 1])
            parts[p.l3, default: []].append(m.batchedMatmul(input, transposeA: true) * weight.reshaped(to: [e, 1, p.mul]))
        }
        return parts.mapValues { $0.count == 1 ? $0[0] : Tensor.concat($0, axis: 2) }
    }
}

/// e3nn's `Gate` with SiLU: the first `scalars` channels of degree 0 pass through c·silu; the
/// next channels are gates, c·silu of each multiplying one channel of the higher degrees in
/// order (all of degree 1, then degree 2, …). c is e3nn's second-moment normalisation constant.
public struct EquivariantGate: Sendable {
    public var scalars: Int
    public var scalarConstant: Double
    public var gateConstant: Double

    public init(scalars: Int, scalarConstant: Double, gateConstant: Double) {
        self.scalars = scalars
        self.scalarConstant = scalarConstant
        self.gateConstant = gateConstant
    }

    public func callAsFunction(_ x: IrrepFeatures) -> IrrepFeatures {
        guard let s = x[0] else { preconditionFailure("EquivariantGate: no scalars") }
        var out: IrrepFeatures = [0: s.slice(axis: 2, 0..<scalars).silu() * scalarConstant]
        var offset = scalars
        for l in x.keys.sorted() where l > 0 {
            let f = x[l]!, mul = f.shape[2]
            let gate = s.slice(axis: 2, offset..<offset + mul).silu() * gateConstant
            out[l] = f * gate
            offset += mul
        }
        return out
    }
}
