import KilnSupport

extension Tensor {
    /// Row-wise matrix products of rank-3 tensors: for each batch row b, op(self[b]) · op(other[b]),
    /// op transposing when asked (not both). Shapes [B, p, q] · [B, q, r] → [B, p, r] before
    /// transposition. Differentiable in both operands. Built for the small per-edge couplings of
    /// equivariant tensor products (p, q ≤ 7; r = channels).
    public func batchedMatmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(!(transposeA && transposeB), "Tensor.batchedMatmul: transpose one operand at most")
        precondition(rank == 3 && other.rank == 3 && shape[0] == other.shape[0],
                     "Tensor.batchedMatmul: needs [B, ·, ·] operands with one B, got \(shape) and \(other.shape)")
        precondition(dtype == other.dtype, "Tensor.batchedMatmul: dtype mismatch \(dtype) vs \(other.dtype)")
        let (p, q) = transposeA ? (shape[2], shape[1]) : (shape[1], shape[2])
        let (q2, r) = transposeB ? (other.shape[2], other.shape[1]) : (other.shape[1], other.shape[2])
        precondition(q == q2, "Tensor.batchedMatmul: inner extents differ in \(shape) and \(other.shape)")
        let b = shape[0]
        let dims = BatchDims(b: b, p: p, q: q, r: r, transposeA: transposeA, transposeB: transposeB)
        let value: Tensor
        switch (storage, other.storage) {
        case (.float32(let a), .float32(let c)): value = Tensor(shape: [b, p, r], storage: .float32(dims.multiply(a, c)))
        case (.float64(let a), .float64(let c)): value = Tensor(shape: [b, p, r], storage: .float64(dims.multiply(a, c)))
        default: fatalError("unreachable: dtypes checked")
        }
        let lhs = self
        return Tensor.record(value, inputs: [self, other]) { g, needed in
            switch (transposeA, transposeB) {
            case (false, false):  // out = A·C
                return [needed[0] ? g.batchedMatmul(other, transposeB: true) : nil,
                        needed[1] ? lhs.batchedMatmul(g, transposeA: true) : nil]
            case (true, _):  // out = Aᵀ·C, A stored [B, q, p]
                return [needed[0] ? other.batchedMatmul(g, transposeB: true) : nil,
                        needed[1] ? lhs.batchedMatmul(g) : nil]
            case (false, true):  // out = A·Cᵀ, C stored [B, r, q]
                return [needed[0] ? g.batchedMatmul(other) : nil,
                        needed[1] ? g.batchedMatmul(lhs, transposeA: true) : nil]
            }
        }
    }
}

private struct BatchDims {
    let b, p, q, r: Int
    let transposeA, transposeB: Bool

    func multiply<T: TensorScalar>(_ a: [T], _ c: [T]) -> [T] {
        makeArray(count: b * p * r) { (ob: UnsafeMutableBufferPointer<T>) in
            a.withUnsafeBufferPointer { ab in
                c.withUnsafeBufferPointer { cb in
                    guard b * p * r > 0 else { return }
                    let o = ob.baseAddress!
                    o.initialize(repeating: 0, count: b * p * r)
                    guard q > 0 else { return }
                    let ap = ab.baseAddress!, cp = cb.baseAddress!
                    WorkQueue.chunks(b, grain: Swift.max(1, (1 << 14) / Swift.max(p * q * r, 1))) { rows in
                        for n in rows {
                            let A = ap + n * p * q, C = cp + n * q * r, O = o + n * p * r
                            for i in 0..<p {
                                let out = O + i * r
                                if transposeB {  // rows of A and C are both contiguous: dot products
                                    let a = A + i * q
                                    for j in 0..<r {
                                        let c = C + j * q
                                        var s: T = 0
                                        for k in 0..<q { s += a[k] * c[k] }
                                        out[j] = s
                                    }
                                    continue
                                }
                                for k in 0..<q {
                                    let aik = transposeA ? A[k * p + i] : A[i * q + k]
                                    let row = C + k * r
                                    for j in 0..<r { out[j] += aik * row[j] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
