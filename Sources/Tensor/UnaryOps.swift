import KilnSupport

/// Elementwise functions of one tensor.
enum UnaryOp: Equatable {
    case affine(scale: Double, shift: Double)
    case reciprocal(scale: Double)
    case pow(Double)
    case exp, log, sin, cos, acos, sqrt, tanh, abs, relu, erf
    case sigmoid, silu, softplus, gelu
}

@inline(__always)
func sigmoidScalar<T: TensorScalar>(_ x: T) -> T {
    if x >= 0 { return 1 / (1 + T.exp(-x)) }
    let e = T.exp(x)
    return e / (1 + e)
}

/// `y[i] = op(x[i])` for `i` in `r`.
func unaryForward<T: TensorScalar>(
    _ op: UnaryOp, _ x: UnsafeBufferPointer<T>, _ y: UnsafeMutableBufferPointer<T>, _ r: Range<Int>
) {
    if T.self == Float.self,
        FastMath.forward(
            op, unsafeBitCast(x, to: UnsafeBufferPointer<Float>.self),
            unsafeBitCast(y, to: UnsafeMutableBufferPointer<Float>.self), r)
    {
        return
    }
    switch op {
    case .affine(let a, let b):
        let (a, b) = (T(a), T(b))
        for i in r { y[i] = x[i] * a + b }
    case .reciprocal(let c):
        let c = T(c)
        for i in r { y[i] = c / x[i] }
    case .pow(let p):
        if p == 2 {
            for i in r { y[i] = x[i] * x[i] }
        } else {
            let p = T(p)
            for i in r { y[i] = T.pow(x[i], p) }
        }
    case .exp: for i in r { y[i] = T.exp(x[i]) }
    case .log: for i in r { y[i] = T.log(x[i]) }
    case .sin: for i in r { y[i] = T.sin(x[i]) }
    case .cos: for i in r { y[i] = T.cos(x[i]) }
    case .acos: for i in r { y[i] = T.acos(x[i]) }
    case .sqrt: for i in r { y[i] = x[i].squareRoot() }
    case .tanh: for i in r { y[i] = T.tanh(x[i]) }
    case .abs: for i in r { y[i] = Swift.abs(x[i]) }
    case .relu: for i in r { y[i] = Swift.max(x[i], 0) }
    case .erf: for i in r { y[i] = T.erf(x[i]) }
    case .sigmoid: for i in r { y[i] = sigmoidScalar(x[i]) }
    case .silu: for i in r { y[i] = x[i] * sigmoidScalar(x[i]) }
    case .softplus:
        // PyTorch's Softplus (beta 1, threshold 20): linear above 20.
        for i in r {
            let v = x[i]
            y[i] = v > 20 ? v : Swift.max(v, 0) + T.log1p(T.exp(-Swift.abs(v)))
        }
    case .gelu:
        let invSqrt2 = T(0.7071067811865476)
        for i in r { y[i] = 0.5 * x[i] * (1 + T.erf(x[i] * invSqrt2)) }
    }
}

/// `d[i] = g[i] · op′(x[i])`, with `y = op(x)` available to save work.
func unaryDerivative<T: TensorScalar>(
    _ op: UnaryOp, _ x: UnsafeBufferPointer<T>, _ y: UnsafeBufferPointer<T>, _ g: UnsafeBufferPointer<T>,
    _ d: UnsafeMutableBufferPointer<T>, _ r: Range<Int>
) {
    if T.self == Float.self,
        FastMath.derivative(
            op, unsafeBitCast(x, to: UnsafeBufferPointer<Float>.self), unsafeBitCast(y, to: UnsafeBufferPointer<Float>.self),
            unsafeBitCast(g, to: UnsafeBufferPointer<Float>.self),
            unsafeBitCast(d, to: UnsafeMutableBufferPointer<Float>.self), r)
    {
        return
    }
    switch op {
    case .affine(let a, _):
        let a = T(a)
        for i in r { d[i] = g[i] * a }
    case .reciprocal:
        for i in r { d[i] = -g[i] * y[i] / x[i] }
    case .pow(let p):
        let (pt, q) = (T(p), T(p - 1))
        if p == 2 {
            for i in r { d[i] = g[i] * 2 * x[i] }
        } else {
            for i in r { d[i] = g[i] * pt * T.pow(x[i], q) }
        }
    case .exp: for i in r { d[i] = g[i] * y[i] }
    case .log: for i in r { d[i] = g[i] / x[i] }
    case .sin: for i in r { d[i] = g[i] * T.cos(x[i]) }
    case .cos: for i in r { d[i] = -g[i] * T.sin(x[i]) }
    case .acos: for i in r { d[i] = -g[i] / (1 - x[i] * x[i]).squareRoot() }
    case .sqrt: for i in r { d[i] = g[i] * 0.5 / y[i] }
    case .tanh: for i in r { d[i] = g[i] * (1 - y[i] * y[i]) }
    case .abs: for i in r { d[i] = x[i] > 0 ? g[i] : (x[i] < 0 ? -g[i] : 0) }
    case .relu: for i in r { d[i] = x[i] > 0 ? g[i] : 0 }
    case .erf:
        let twoOverSqrtPi = T(1.1283791670955126)
        for i in r { d[i] = g[i] * twoOverSqrtPi * T.exp(-x[i] * x[i]) }
    case .sigmoid: for i in r { d[i] = g[i] * y[i] * (1 - y[i]) }
    case .silu:
        for i in r {
            let s = sigmoidScalar(x[i])
            d[i] = g[i] * s * (1 + x[i] * (1 - s))
        }
    case .softplus: for i in r { d[i] = x[i] > 20 ? g[i] : g[i] * sigmoidScalar(x[i]) }
    case .gelu:
        let invSqrt2 = T(0.7071067811865476)
        let invSqrt2Pi = T(0.3989422804014327)
        for i in r {
            let v = x[i]
            d[i] = g[i] * (0.5 * (1 + T.erf(v * invSqrt2)) + v * invSqrt2Pi * T.exp(-0.5 * v * v))
        }
    }
}

func unaryForwardArray<T: TensorScalar>(_ op: UnaryOp, _ x: [T]) -> [T] {
    makeArray(count: x.count) { (y: UnsafeMutableBufferPointer<T>) in
        x.withUnsafeBufferPointer { xp in
            WorkQueue.chunks(x.count, grain: 1 << 14) { r in unaryForward(op, xp, y, r) }
        }
    }
}

func unaryDerivativeArray<T: TensorScalar>(_ op: UnaryOp, _ x: [T], _ y: [T], _ g: [T]) -> [T] {
    makeArray(count: x.count) { (d: UnsafeMutableBufferPointer<T>) in
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                g.withUnsafeBufferPointer { gp in
                    WorkQueue.chunks(x.count, grain: 1 << 14) { r in unaryDerivative(op, xp, yp, gp, d, r) }
                }
            }
        }
    }
}

extension Tensor {
    /// Untracked `op` applied elementwise.
    func unaryValues(_ op: UnaryOp) -> Tensor {
        switch storage {
        case .float32(let x): return Tensor(shape: shape, storage: .float32(unaryForwardArray(op, x)))
        case .float64(let x): return Tensor(shape: shape, storage: .float64(unaryForwardArray(op, x)))
        }
    }

    /// `op` applied elementwise, recorded with its derivative: a fused kernel for first
    /// order, a differentiable composition when the backward pass is recorded.
    func unary(_ op: UnaryOp) -> Tensor {
        let x = self
        let y = unaryValues(op)
        return Tensor.record(y, inputs: [x]) { g, _ in
            if Tensor.isRecording([x, g]) { return [g * Tensor.derivative(op, at: x)] }
            return [Tensor.unaryGradient(op, x: x, y: y, g: g)]
        }
    }

    /// op′(x) built from differentiable operations (for higher-order derivatives).
    static func derivative(_ op: UnaryOp, at x: Tensor) -> Tensor {
        switch op {
        case .affine(let a, _): return Tensor.full(a, shape: x.shape, dtype: x.dtype)
        case .reciprocal(let c): return -c * x.pow(-2)
        case .pow(let p): return p == 2 ? 2 * x : p * x.pow(p - 1)
        case .exp: return x.exp()
        case .log: return 1 / x
        case .sin: return x.cos()
        case .cos: return -x.sin()
        case .acos: return -((1 - x.squared()).pow(-0.5))
        case .sqrt: return 0.5 * x.pow(-0.5)
        case .tanh: return 1 - x.tanh().squared()
        case .abs, .relu:
            let v = x.doubles
            let slope = op == .abs ? v.map { $0 > 0 ? 1.0 : ($0 < 0 ? -1 : 0) } : v.map { $0 > 0 ? 1.0 : 0 }
            return Tensor(shape: x.shape, scalars: slope).cast(to: x.dtype)
        case .erf: return 1.1283791670955126 * (-x.squared()).exp()
        case .sigmoid:
            let s = x.sigmoid()
            return s * (1 - s)
        case .silu:
            let s = x.sigmoid()
            return s * (1 + x * (1 - s))
        case .softplus:
            let linear = x.doubles.map { $0 > 20 }
            return Tensor.select(linear, Tensor.ones(x.shape, dtype: x.dtype), x.sigmoid())
        case .gelu:
            return 0.5 * (1 + (x * 0.7071067811865476).erf()) + 0.3989422804014327 * x * (-0.5 * x.squared()).exp()
        }
    }

    /// `g · op′(x)`: a primitive that is not itself recorded (first-order rule).
    static func unaryGradient(_ op: UnaryOp, x: Tensor, y: Tensor, g: Tensor) -> Tensor {
        if case .affine(let a, _) = op { return g * a }
        switch (x.storage, y.storage, g.storage) {
        case let (.float32(xv), .float32(yv), .float32(gv)):
            return Tensor(shape: x.shape, storage: .float32(unaryDerivativeArray(op, xv, yv, gv)))
        case let (.float64(xv), .float64(yv), .float64(gv)):
            return Tensor(shape: x.shape, storage: .float64(unaryDerivativeArray(op, xv, yv, gv)))
        default:
            preconditionFailure("Tensor: gradient dtype \(g.dtype) does not match input dtype \(x.dtype)")
        }
    }

    /// eˣ elementwise. float32 uses a vectorised kernel (≤ 2 ulp) that saturates at
    /// ≈8e37 above x = 87.33 and ≈1.2e−38 below −87.33 instead of overflowing.
    public func exp() -> Tensor { unary(.exp) }
    /// Natural logarithm elementwise.
    public func log() -> Tensor { unary(.log) }
    /// Sine elementwise (radians).
    public func sin() -> Tensor { unary(.sin) }
    /// Cosine elementwise (radians).
    public func cos() -> Tensor { unary(.cos) }
    /// Arc cosine elementwise (radians); the derivative is infinite at ±1.
    public func acos() -> Tensor { unary(.acos) }
    /// Square root elementwise.
    public func sqrt() -> Tensor { unary(.sqrt) }
    /// xᵖ elementwise (`p` real; negative bases need integral `p`).
    public func pow(_ p: Double) -> Tensor { unary(.pow(p)) }
    /// x² elementwise.
    public func squared() -> Tensor { unary(.pow(2)) }
    /// Hyperbolic tangent elementwise.
    public func tanh() -> Tensor { unary(.tanh) }
    /// Absolute value elementwise (derivative 0 at 0).
    public func abs() -> Tensor { unary(.abs) }
    /// max(x, 0) elementwise.
    public func relu() -> Tensor { unary(.relu) }
    /// Logistic sigmoid 1/(1+e⁻ˣ) elementwise.
    public func sigmoid() -> Tensor { unary(.sigmoid) }
    /// SiLU (swish) x·sigmoid(x) elementwise.
    public func silu() -> Tensor { unary(.silu) }
    /// Softplus log(1+eˣ) elementwise (PyTorch's: exactly x above 20).
    public func softplus() -> Tensor { unary(.softplus) }
    /// Error function elementwise.
    public func erf() -> Tensor { unary(.erf) }
    /// GELU x·Φ(x) elementwise (exact erf form, PyTorch's default).
    public func gelu() -> Tensor { unary(.gelu) }
}
