import KilnSupport

func expandKernel<T: TensorScalar>(_ x: [T], _ xs: [Int], _ out: [Int]) -> [T] {
    let n = out.reduce(1, *)
    let sx = Broadcasting.strides(of: xs, in: out)
    let last = out.last ?? 1
    let lx = sx.last ?? 0
    return makeArray(count: n) { (ob: UnsafeMutableBufferPointer<T>) in
        x.withUnsafeBufferPointer { xb in
            guard n > 0 else { return }
            let o = ob.baseAddress!, xp = xb.baseAddress!
            Broadcasting.forEachRun(output: out, strides: [sx], runs: 0..<(n / max(last, 1))) { run, off in
                if lx != 0 {
                    (o + run * last).update(from: xp + off[0], count: last)
                } else {
                    (o + run * last).update(repeating: xp[off[0]], count: last)
                }
            }
        }
    }
}

func permuteKernel<T: TensorScalar>(_ x: [T], _ xs: [Int], _ axes: [Int]) -> [T] {
    var inStrides = [Int](repeating: 1, count: xs.count)
    for i in stride(from: xs.count - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * xs[i + 1] }
    let out = axes.map { xs[$0] }
    let strides = axes.map { inStrides[$0] }
    let last = out.last ?? 1
    let ls = strides.last ?? 1
    let n = x.count
    return makeArray(count: n) { (ob: UnsafeMutableBufferPointer<T>) in
        x.withUnsafeBufferPointer { xb in
            guard n > 0 else { return }
            let o = ob.baseAddress!, xp = xb.baseAddress!
            let runs = n / max(last, 1)
            WorkQueue.chunks(runs, grain: Swift.max(1, (1 << 15) / Swift.max(last, 1))) { range in
                Broadcasting.forEachRun(output: out, strides: [strides], runs: range) { run, off in
                    let oo = o + run * last, xx = xp + off[0]
                    for j in 0..<last { oo[j] = xx[j * ls] }
                }
            }
        }
    }
}

extension Tensor {
    /// The same elements with a new shape (one extent may be -1: inferred).
    public func reshaped(to newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let hole = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            precondition(
                known > 0 && count % known == 0,
                "Tensor.reshaped: cannot reshape \(shape) to \(newShape)")
            resolved[hole] = count / known
        }
        precondition(
            resolved.allSatisfy { $0 >= 0 } && resolved.reduce(1, *) == count,
            "Tensor.reshaped: cannot reshape \(shape) (\(count) elements) to \(newShape)")
        if resolved == shape { return self }
        let old = shape
        return Tensor.record(Tensor(shape: resolved, storage: storage), inputs: [self]) { g, _ in
            [g.reshaped(to: old)]
        }
    }

    /// This tensor broadcast (copied) to `newShape` under NumPy rules.
    public func expanded(to newShape: [Int]) -> Tensor {
        if newShape == shape { return self }
        let value: Tensor
        switch storage {
        case .float32(let v): value = Tensor(shape: newShape, storage: .float32(expandKernel(v, shape, newShape)))
        case .float64(let v): value = Tensor(shape: newShape, storage: .float64(expandKernel(v, shape, newShape)))
        }
        let old = shape
        return Tensor.record(value, inputs: [self]) { g, _ in [g.sum(toShape: old)] }
    }

    /// Axes reordered: result axis `i` is this tensor's axis `axes[i]`.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(
            axes.count == rank && Set(axes) == Set(0..<rank),
            "Tensor.permuted: \(axes) is not a permutation of the axes of \(shape)")
        if axes == Array(0..<rank) { return self }
        let value: Tensor
        let newShape = axes.map { shape[$0] }
        switch storage {
        case .float32(let v): value = Tensor(shape: newShape, storage: .float32(permuteKernel(v, shape, axes)))
        case .float64(let v): value = Tensor(shape: newShape, storage: .float64(permuteKernel(v, shape, axes)))
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return Tensor.record(value, inputs: [self]) { g, _ in [g.permuted(inverse)] }
    }

    /// The last two axes swapped (a matrix transpose for rank 2).
    public func transposed() -> Tensor {
        precondition(rank >= 2, "Tensor.transposed: needs rank ≥ 2, got shape \(shape)")
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return permuted(axes)
    }

    /// The same values as `dtype` (float32 ↔ float64); gradients convert back.
    public func cast(to dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let old = self.dtype
        let value: Tensor
        switch storage {
        case .float32(let v): value = Tensor(shape: shape, storage: .float64(v.map { Double($0) }))
        case .float64(let v): value = Tensor(shape: shape, storage: .float32(v.map { Float($0) }))
        }
        return Tensor.record(value, inputs: [self]) { g, _ in [g.cast(to: old)] }
    }
}
