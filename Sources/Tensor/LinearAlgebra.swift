import COpenBLAS
import KilnSupport

extension Float {
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), 1, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}

extension Double {
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), 1, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
}

/// `op(A)·op(B) (+ bias row)` for row-major `a` (stored [m,k] or [k,m]) and `b` (stored
/// [k,n] or [n,k]). Large products are split over rows of the result, or, when the
/// result is small and the inner extent long (weight gradients), over the inner extent
/// with per-worker partial sums (OpenBLAS itself should run single-threaded: see
/// `ProcessSettings.applyForInference`).
func gemmKernel<T: TensorScalar>(
    _ a: [T], _ b: [T], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, bias: [T]?
) -> [T] {
    var c: [T]
    if let bias {
        c = makeArray(count: m * n) { (o: UnsafeMutableBufferPointer<T>) in
            bias.withUnsafeBufferPointer { bp in
                guard n > 0 else { return }
                for i in 0..<m { (o.baseAddress! + i * n).update(from: bp.baseAddress!, count: n) }
            }
        }
    } else {
        c = [T](repeating: 0, count: m * n)
    }
    guard m > 0, n > 0, k > 0 else { return c }
    let beta: T = bias == nil ? 0 : 1
    let (lda, ldb) = (transposeA ? m : k, transposeB ? k : n)
    let flops = 2 * m * n * k
    let workers = flops >= 1 << 21 ? WorkQueue.workers : 1
    a.withUnsafeBufferPointer { ab in
        b.withUnsafeBufferPointer { bb in
            c.withUnsafeMutableBufferPointer { cb in
                let (ap, bp, cp) = (ab.baseAddress!, bb.baseAddress!, cb.baseAddress!)
                if workers > 1 && m >= 32 * workers {
                    // Rows of op(A) (rows of A, or columns when A is stored transposed), a band of
                    // ⌈m/workers⌉ per worker; blocks of ≤ 2048 rows keep each call's panels cache-resident.
                    let band = (m + workers - 1) / workers
                    WorkQueue.chunks(workers, grain: 1) { parts in
                        for w in parts {
                            let end = Swift.min(m, (w + 1) * band)
                            for lo in stride(from: w * band, to: end, by: 2048) {
                                T.gemm(
                                    transposeA: transposeA, transposeB: transposeB, m: Swift.min(2048, end - lo), n: n, k: k,
                                    a: ap + (transposeA ? lo : lo * k), lda: lda, b: bp, ldb: ldb,
                                    beta: beta, c: cp + lo * n, ldc: n)
                            }
                        }
                    }
                } else if workers > 1 && k >= 256 * workers {
                    // Inner slices lo..<hi, each into its own partial product, then summed.
                    var partials = [T](repeating: 0, count: workers * m * n)
                    partials.withUnsafeMutableBufferPointer { pb in
                        let pp = pb.baseAddress!
                        let size = (k + workers - 1) / workers
                        WorkQueue.chunks(workers, grain: 1) { parts in
                            for w in parts {
                                let lo = w * size, count = Swift.min(size, k - lo)
                                guard count > 0 else { continue }
                                T.gemm(
                                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: count,
                                    a: ap + (transposeA ? lo * m : lo), lda: lda,
                                    b: bp + (transposeB ? lo : lo * n), ldb: ldb,
                                    beta: 0, c: pp + w * m * n, ldc: n)
                            }
                        }
                        for w in 0..<workers {
                            let part = pp + w * m * n
                            for i in 0..<(m * n) { cp[i] += part[i] }
                        }
                    }
                } else {
                    T.gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        a: ap, lda: lda, b: bp, ldb: ldb, beta: beta, c: cp, ldc: n)
                }
            }
        }
    }
    return c
}

extension Tensor {
    /// Untracked `op(a)·op(b) (+ bias)` for rank-2 `a`, `b`.
    static func gemmValues(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool, bias: Tensor?) -> Tensor {
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(
            k == kb,
            "Tensor.matmul: inner extents differ: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "")")
        precondition(a.dtype == b.dtype, "Tensor.matmul: dtype mismatch \(a.dtype) vs \(b.dtype)")
        if let bias {
            precondition(bias.dtype == a.dtype, "Tensor.linear: bias dtype \(bias.dtype) does not match \(a.dtype)")
        }
        switch (a.storage, b.storage) {
        case let (.float32(x), .float32(y)):
            let c = gemmKernel(
                x, y, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                bias: bias.flatMap { Float.unwrap($0.storage) })
            return Tensor(shape: [m, n], storage: .float32(c))
        case let (.float64(x), .float64(y)):
            let c = gemmKernel(
                x, y, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                bias: bias.flatMap { Double.unwrap($0.storage) })
            return Tensor(shape: [m, n], storage: .float64(c))
        default:
            fatalError("unreachable: dtypes checked above")
        }
    }

    /// Matrix product `op(self)·op(other)` of rank-2 tensors, where `op` transposes when
    /// asked (no copy is made). Without `transposeA`, `self` may have more axes: the
    /// leading ones are kept ([…, k]·[k, n] → […, n]). BLAS `?gemm` does the work.
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(other.rank == 2, "Tensor.matmul: right operand must be rank 2, got \(other.shape)")
        if rank != 2 {
            precondition(
                rank > 2 && !transposeA,
                "Tensor.matmul: left operand must be rank 2 (or higher without transposeA), got \(shape)")
            let lead = Array(shape.dropLast())
            let flat = reshaped(to: [-1, shape[rank - 1]])
            let product = flat.matmul(other, transposeB: transposeB)
            return product.reshaped(to: lead + [product.shape[1]])
        }
        let a = self, b = other
        let value = Tensor.gemmValues(a, b, transposeA: transposeA, transposeB: transposeB, bias: nil)
        return Tensor.record(value, inputs: [a, b]) { g, needed in
            let ga: Tensor?
            let gb: Tensor?
            switch (transposeA, transposeB) {
            case (false, false):
                ga = needed[0] ? g.matmul(b, transposeB: true) : nil
                gb = needed[1] ? a.matmul(g, transposeA: true) : nil
            case (false, true):
                ga = needed[0] ? g.matmul(b) : nil
                gb = needed[1] ? g.matmul(a, transposeA: true) : nil
            case (true, false):
                ga = needed[0] ? b.matmul(g, transposeB: true) : nil
                gb = needed[1] ? a.matmul(g) : nil
            case (true, true):
                ga = needed[0] ? b.matmul(g, transposeA: true, transposeB: true) : nil
                gb = needed[1] ? g.matmul(a, transposeA: true, transposeB: true) : nil
            }
            return [ga, gb]
        }
    }

    /// A fully connected layer with PyTorch's layout: `self·weightᵀ + bias` for
    /// `weight` [out, in] and `bias` [out]; `self` is [..., in]. One BLAS call.
    public func linear(weight: Tensor, bias: Tensor? = nil) -> Tensor {
        precondition(weight.rank == 2, "Tensor.linear: weight must be [out, in], got \(weight.shape)")
        precondition(rank >= 1 && shape[rank - 1] == weight.shape[1],
                     "Tensor.linear: input \(shape) does not end in \(weight.shape[1]) (weight \(weight.shape))")
        if let bias {
            precondition(bias.shape == [weight.shape[0]],
                         "Tensor.linear: bias \(bias.shape) must be [\(weight.shape[0])]")
        }
        if rank != 2 {
            let lead = Array(shape.dropLast())
            return reshaped(to: [-1, shape[rank - 1]]).linear(weight: weight, bias: bias)
                .reshaped(to: lead + [weight.shape[0]])
        }
        let x = self
        let value = Tensor.gemmValues(x, weight, transposeA: false, transposeB: true, bias: bias)
        let inputs = bias.map { [x, weight, $0] } ?? [x, weight]
        return Tensor.record(value, inputs: inputs) { g, needed in
            var grads: [Tensor?] = [
                needed[0] ? g.matmul(weight) : nil,
                needed[1] ? g.matmul(x, transposeA: true) : nil,
            ]
            if needed.count == 3 { grads.append(needed[2] ? g.sum(toShape: [weight.shape[0]]) : nil) }
            return grads
        }
    }
}
