/// A scalar binary function, applied elementwise with broadcasting.
protocol BinaryKernel {
    static func apply<T: TensorScalar>(_ a: T, _ b: T) -> T
}

enum AddKernel: BinaryKernel {
    @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> T { a + b }
}
enum SubtractKernel: BinaryKernel {
    @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> T { a - b }
}
enum MultiplyKernel: BinaryKernel {
    @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> T { a * b }
}
enum DivideKernel: BinaryKernel {
    @inline(__always) static func apply<T: TensorScalar>(_ a: T, _ b: T) -> T { a / b }
}

/// `K` applied to `x` (shape `xs`) and `y` (shape `ys`) broadcast to `out`.
func broadcastKernel<K: BinaryKernel, T: TensorScalar>(
    _: K.Type, _ x: [T], _ xs: [Int], _ y: [T], _ ys: [Int], _ out: [Int]
) -> [T] {
    let n = out.reduce(1, *)
    return makeArray(count: n) { (o: UnsafeMutableBufferPointer<T>) in
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                if x.count == n && y.count == n {
                    Parallel.chunks(n) { r in for i in r { o[i] = K.apply(xp[i], yp[i]) } }
                } else if y.count == 1 {
                    let s = yp[0]
                    Parallel.chunks(n) { r in for i in r { o[i] = K.apply(xp[i], s) } }
                } else if x.count == 1 {
                    let s = xp[0]
                    Parallel.chunks(n) { r in for i in r { o[i] = K.apply(s, yp[i]) } }
                } else {
                    let sx = Broadcasting.strides(of: xs, in: out)
                    let sy = Broadcasting.strides(of: ys, in: out)
                    let last = out.last ?? 1
                    let (lx, ly) = (sx.last ?? 0, sy.last ?? 0)
                    let runs = n / max(last, 1)
                    Parallel.chunks(runs, grain: max(1, (1 << 15) / max(last, 1))) { range in
                        Broadcasting.forEachRun(output: out, strides: [sx, sy], runs: range) { run, off in
                            let base = run * last
                            let (ox, oy) = (off[0], off[1])
                            switch (lx != 0, ly != 0) {
                            case (true, true):
                                for j in 0..<last { o[base + j] = K.apply(xp[ox + j], yp[oy + j]) }
                            case (true, false):
                                let s = yp[oy]
                                for j in 0..<last { o[base + j] = K.apply(xp[ox + j], s) }
                            case (false, true):
                                let s = xp[ox]
                                for j in 0..<last { o[base + j] = K.apply(s, yp[oy + j]) }
                            case (false, false):
                                let v = K.apply(xp[ox], yp[oy])
                                for j in 0..<last { o[base + j] = v }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// Untracked elementwise `K(a, b)` with broadcasting.
    static func broadcastValues<K: BinaryKernel>(_ k: K.Type, _ a: Tensor, _ b: Tensor, op: String) -> Tensor {
        precondition(
            a.dtype == b.dtype,
            "Tensor.\(op): dtype mismatch \(a.dtype) vs \(b.dtype); convert one with cast(to:)")
        let shape = a.shape == b.shape ? a.shape : Broadcasting.shape(a.shape, b.shape, op: op)
        switch (a.storage, b.storage) {
        case let (.float32(x), .float32(y)):
            return Tensor(shape: shape, storage: .float32(broadcastKernel(k, x, a.shape, y, b.shape, shape)))
        case let (.float64(x), .float64(y)):
            return Tensor(shape: shape, storage: .float64(broadcastKernel(k, x, a.shape, y, b.shape, shape)))
        default:
            fatalError("unreachable: dtypes checked above")
        }
    }

    /// Elementwise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        record(broadcastValues(AddKernel.self, a, b, op: "+"), inputs: [a, b]) { g, needed in
            [needed[0] ? g.sum(toShape: a.shape) : nil, needed[1] ? g.sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        record(broadcastValues(SubtractKernel.self, a, b, op: "-"), inputs: [a, b]) { g, needed in
            [needed[0] ? g.sum(toShape: a.shape) : nil, needed[1] ? (-g).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        record(broadcastValues(MultiplyKernel.self, a, b, op: "*"), inputs: [a, b]) { g, needed in
            [needed[0] ? (g * b).sum(toShape: a.shape) : nil, needed[1] ? (g * a).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise quotient with broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        record(broadcastValues(DivideKernel.self, a, b, op: "/"), inputs: [a, b]) { g, needed in
            let ga = g / b
            return [needed[0] ? ga.sum(toShape: a.shape) : nil, needed[1] ? (-(ga * a / b)).sum(toShape: b.shape) : nil]
        }
    }

    /// `a + s` elementwise.
    public static func + (a: Tensor, s: Double) -> Tensor { a.unary(.affine(scale: 1, shift: s)) }
    /// `s + a` elementwise.
    public static func + (s: Double, a: Tensor) -> Tensor { a.unary(.affine(scale: 1, shift: s)) }
    /// `a - s` elementwise.
    public static func - (a: Tensor, s: Double) -> Tensor { a.unary(.affine(scale: 1, shift: -s)) }
    /// `s - a` elementwise.
    public static func - (s: Double, a: Tensor) -> Tensor { a.unary(.affine(scale: -1, shift: s)) }
    /// `a · s` elementwise.
    public static func * (a: Tensor, s: Double) -> Tensor { a.unary(.affine(scale: s, shift: 0)) }
    /// `s · a` elementwise.
    public static func * (s: Double, a: Tensor) -> Tensor { a.unary(.affine(scale: s, shift: 0)) }
    /// `a / s` elementwise.
    public static func / (a: Tensor, s: Double) -> Tensor { a.unary(.affine(scale: 1 / s, shift: 0)) }
    /// `s / a` elementwise.
    public static func / (s: Double, a: Tensor) -> Tensor { a.unary(.reciprocal(scale: s)) }
    /// Elementwise negation.
    public static prefix func - (a: Tensor) -> Tensor { a.unary(.affine(scale: -1, shift: 0)) }
}
