import KilnSupport

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
    // Loops index raw base pointers held in locals, so LLVM sees no aliasing and vectorises.
    return makeArray(count: n) { (ob: UnsafeMutableBufferPointer<T>) in
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeBufferPointer { yb in
                guard n > 0 else { return }
                let o = ob.baseAddress!, xp = xb.baseAddress!, yp = yb.baseAddress!
                if x.count == n && y.count == n {
                    WorkQueue.chunks(n, grain: 1 << 15) { r in
                        let (oo, xx, yy) = (o + r.lowerBound, xp + r.lowerBound, yp + r.lowerBound)
                        for i in 0..<r.count { oo[i] = K.apply(xx[i], yy[i]) }
                    }
                } else if y.count == 1 {
                    let s = yp[0]
                    WorkQueue.chunks(n, grain: 1 << 15) { r in
                        let (oo, xx) = (o + r.lowerBound, xp + r.lowerBound)
                        for i in 0..<r.count { oo[i] = K.apply(xx[i], s) }
                    }
                } else if x.count == 1 {
                    let s = xp[0]
                    WorkQueue.chunks(n, grain: 1 << 15) { r in
                        let (oo, yy) = (o + r.lowerBound, yp + r.lowerBound)
                        for i in 0..<r.count { oo[i] = K.apply(s, yy[i]) }
                    }
                } else {
                    let sx = Broadcasting.strides(of: xs, in: out)
                    let sy = Broadcasting.strides(of: ys, in: out)
                    let last = out.last ?? 1
                    let (lx, ly) = (sx.last ?? 0, sy.last ?? 0)
                    let runs = n / max(last, 1)
                    WorkQueue.chunks(runs, grain: max(1, (1 << 15) / max(last, 1))) { range in
                        Broadcasting.forEachRun(output: out, strides: [sx, sy], runs: range) { run, off in
                            let oo = o + run * last, xx = xp + off[0], yy = yp + off[1]
                            switch (lx != 0, ly != 0) {
                            case (true, true):
                                for j in 0..<last { oo[j] = K.apply(xx[j], yy[j]) }
                            case (true, false):
                                let s = yy[0]
                                for j in 0..<last { oo[j] = K.apply(xx[j], s) }
                            case (false, true):
                                let s = xx[0]
                                for j in 0..<last { oo[j] = K.apply(s, yy[j]) }
                            case (false, false):
                                oo.update(repeating: K.apply(xx[0], yy[0]), count: last)
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
