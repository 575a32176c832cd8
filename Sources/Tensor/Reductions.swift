import KilnSupport

/// Sums `x` (shape `xs`) down to `target` (a shape `xs` broadcasts from), accumulating
/// in Double; large inputs are split across workers, each with its own accumulator.
func sumToShapeKernel<T: TensorScalar>(_ x: [T], _ xs: [Int], _ target: [Int]) -> [T] {
    let m = target.reduce(1, *)
    guard !x.isEmpty else { return [T](repeating: 0, count: m) }
    let st = Broadcasting.strides(of: target, in: xs)
    let last = xs.last ?? 1
    let lt = st.last ?? 0
    let runs = x.count / max(last, 1)
    let parts = (x.count >= 1 << 16 && m * 8 <= x.count) ? min(WorkQueue.workers, runs) : 1
    var partials = [Double](repeating: 0, count: parts * m)
    x.withUnsafeBufferPointer { xb in
        partials.withUnsafeMutableBufferPointer { pp in
            let xp = xb.baseAddress!
            let size = (runs + parts - 1) / parts
            WorkQueue.chunks(parts, grain: 1) { partRange in
                for part in partRange {
                    let ap = pp.baseAddress! + part * m
                    let lo = part * size, hi = min(runs, lo + size)
                    guard lo < hi else { continue }
                    Broadcasting.forEachRun(output: xs, strides: [st], runs: lo..<hi) { run, off in
                        let xx = xp + run * last, aa = ap + off[0]
                        if lt != 0 {
                            for j in 0..<last { aa[j] += Double(xx[j]) }
                        } else {
                            var s = 0.0
                            for j in 0..<last { s += Double(xx[j]) }
                            aa[0] += s
                        }
                    }
                }
            }
        }
    }
    return makeArray(count: m) { (o: UnsafeMutableBufferPointer<T>) in
        for i in 0..<m {
            var s = 0.0
            for part in 0..<parts { s += partials[part * m + i] }
            o[i] = T(s)
        }
    }
}

extension Tensor {
    /// Sum over the axes along which `shape` would broadcast to this tensor's shape
    /// (the adjoint of `expanded(to:)`); `shape` is the result's shape.
    public func sum(toShape target: [Int]) -> Tensor {
        if target == shape { return self }
        let x = self
        let value: Tensor
        switch storage {
        case .float32(let v): value = Tensor(shape: target, storage: .float32(sumToShapeKernel(v, shape, target)))
        case .float64(let v): value = Tensor(shape: target, storage: .float64(sumToShapeKernel(v, shape, target)))
        }
        return Tensor.record(value, inputs: [x]) { g, _ in [g.expanded(to: x.shape)] }
    }

    /// Sum of all elements (rank 0), accumulated in Double.
    public func sum() -> Tensor {
        sum(toShape: [])
    }

    /// Sum along `axis` (negative counts from the end), accumulated in Double.
    public func sum(axis: Int, keepingDims: Bool = false) -> Tensor {
        let a = normalizedAxis(axis, op: "sum")
        var kept = shape
        kept[a] = 1
        let s = sum(toShape: kept)
        if keepingDims { return s }
        var dropped = shape
        dropped.remove(at: a)
        return s.reshaped(to: dropped)
    }

    /// Mean of all elements (rank 0).
    public func mean() -> Tensor {
        sum() * (1 / Double(Swift.max(count, 1)))
    }

    /// Mean along `axis` (negative counts from the end).
    public func mean(axis: Int, keepingDims: Bool = false) -> Tensor {
        let a = normalizedAxis(axis, op: "mean")
        return sum(axis: a, keepingDims: keepingDims) * (1 / Double(Swift.max(shape[a], 1)))
    }

    /// `axis` in `0..<rank`, with negative values counted from the end.
    func normalizedAxis(_ axis: Int, op: String, rankOffset: Int = 0) -> Int {
        let r = rank + rankOffset
        let a = axis < 0 ? axis + r : axis
        precondition(a >= 0 && a < r, "Tensor.\(op): axis \(axis) out of range for shape \(shape)")
        return a
    }
}
