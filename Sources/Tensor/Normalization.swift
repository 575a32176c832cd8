import KilnSupport

/// Per-row normalisation over the last axis: `xhat = (x − mean)·rstd`, with row
/// statistics accumulated in Double (biased variance, as PyTorch's LayerNorm).
func layerNormKernel<T: TensorScalar>(_ x: [T], width d: Int, epsilon: Double) -> (xhat: [T], rstd: [T]) {
    let rows = d == 0 ? 0 : x.count / d
    var rstd = [T](repeating: 0, count: rows)
    let xhat: [T] = makeArray(count: x.count) { (ob: UnsafeMutableBufferPointer<T>) in
        x.withUnsafeBufferPointer { xp in
            rstd.withUnsafeMutableBufferPointer { rp in
                guard rows > 0 else { return }
                let o = ob.baseAddress!, xb = xp.baseAddress!
                WorkQueue.chunks(rows, grain: Swift.max(1, (1 << 14) / Swift.max(d, 1))) { r in
                    for row in r {
                        let base = row * d
                        // Moments of x − x₀ (x₀ the row's first element) avoid cancellation
                        // in E[x²] − mean² when the mean is large.
                        let shift = Double(xp[base])
                        let (sum, sq) = rowMoments(xp, base, d, shift: shift)
                        let centred = sum / Double(d)
                        let mean = centred + shift
                        let inv = 1 / (Swift.max(sq / Double(d) - centred * centred, 0) + epsilon).squareRoot()
                        let (m, s) = (T(mean), T(inv))
                        let (oo, xx) = (o + base, xb + base)
                        for j in 0..<d { oo[j] = (xx[j] - m) * s }
                        rp[row] = s
                    }
                }
            }
        }
    }
    return (xhat, rstd)
}

/// Σ(x − shift) and Σ(x − shift)² over `x[base..<base+d]` in Double, with four
/// independent accumulators.
@inline(__always)
func rowMoments<T: TensorScalar>(
    _ x: UnsafeBufferPointer<T>, _ base: Int, _ d: Int, shift: Double
) -> (Double, Double) {
    var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
    var (q0, q1, q2, q3) = (0.0, 0.0, 0.0, 0.0)
    var j = 0
    while j + 4 <= d {
        let (a, b) = (Double(x[base + j]) - shift, Double(x[base + j + 1]) - shift)
        let (c, e) = (Double(x[base + j + 2]) - shift, Double(x[base + j + 3]) - shift)
        s0 += a; s1 += b; s2 += c; s3 += e
        q0 += a * a; q1 += b * b; q2 += c * c; q3 += e * e
        j += 4
    }
    while j < d {
        let a = Double(x[base + j]) - shift
        s0 += a; q0 += a * a
        j += 1
    }
    return ((s0 + s1) + (s2 + s3), (q0 + q1) + (q2 + q3))
}

/// Σg and Σg·h over one row in Double, with four independent accumulators.
@inline(__always)
func rowDotSums<T: TensorScalar>(
    _ g: UnsafeBufferPointer<T>, _ h: UnsafeBufferPointer<T>, _ base: Int, _ d: Int
) -> (Double, Double) {
    var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
    var (p0, p1, p2, p3) = (0.0, 0.0, 0.0, 0.0)
    var j = 0
    while j + 4 <= d {
        let (a, b, c, e) = (Double(g[base + j]), Double(g[base + j + 1]), Double(g[base + j + 2]), Double(g[base + j + 3]))
        s0 += a; s1 += b; s2 += c; s3 += e
        p0 += a * Double(h[base + j]); p1 += b * Double(h[base + j + 1])
        p2 += c * Double(h[base + j + 2]); p3 += e * Double(h[base + j + 3])
        j += 4
    }
    while j < d {
        let a = Double(g[base + j])
        s0 += a; p0 += a * Double(h[base + j])
        j += 1
    }
    return ((s0 + s1) + (s2 + s3), (p0 + p1) + (p2 + p3))
}

/// `dx = rstd·(dxhat − mean(dxhat) − xhat·mean(dxhat·xhat))` per row.
func layerNormBackwardKernel<T: TensorScalar>(_ dxhat: [T], _ xhat: [T], _ rstd: [T], width d: Int) -> [T] {
    makeArray(count: dxhat.count) { (ob: UnsafeMutableBufferPointer<T>) in
        dxhat.withUnsafeBufferPointer { gp in
            xhat.withUnsafeBufferPointer { hp in
                rstd.withUnsafeBufferPointer { rp in
                    guard !rp.isEmpty else { return }
                    let o = ob.baseAddress!, gb = gp.baseAddress!, hb = hp.baseAddress!
                    WorkQueue.chunks(rstd.count, grain: Swift.max(1, (1 << 14) / Swift.max(d, 1))) { r in
                        for row in r {
                            let base = row * d
                            let (sg, sgh) = rowDotSums(gp, hp, base, d)
                            let (mg, mgh) = (T(sg / Double(d)), T(sgh / Double(d)))
                            let s = rp[row]
                            let (oo, gg, hh) = (o + base, gb + base, hb + base)
                            for j in 0..<d { oo[j] = s * (gg[j] - mg - hh[j] * mgh) }
                        }
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// Layer normalisation over the last axis (PyTorch `LayerNorm(d)`):
    /// `(x − mean)/√(var + ε)·gamma + beta`, `gamma`/`beta` of shape [d] or absent.
    public func layerNorm(gamma: Tensor? = nil, beta: Tensor? = nil, epsilon: Double = 1e-5) -> Tensor {
        precondition(rank >= 1, "Tensor.layerNorm: needs rank ≥ 1, got a scalar")
        let d = shape[rank - 1]
        for (name, p) in [("gamma", gamma), ("beta", beta)] {
            guard let p else { continue }
            precondition(p.shape == [d], "Tensor.layerNorm: \(name) \(p.shape) must be [\(d)]")
            precondition(p.dtype == dtype, "Tensor.layerNorm: \(name) dtype \(p.dtype) does not match \(dtype)")
        }
        let xhat: Tensor, rstd: Tensor
        switch storage {
        case .float32(let v):
            let (h, r) = layerNormKernel(v, width: d, epsilon: epsilon)
            (xhat, rstd) = (Tensor(shape: shape, storage: .float32(h)), Tensor(shape: [r.count], storage: .float32(r)))
        case .float64(let v):
            let (h, r) = layerNormKernel(v, width: d, epsilon: epsilon)
            (xhat, rstd) = (Tensor(shape: shape, storage: .float64(h)), Tensor(shape: [r.count], storage: .float64(r)))
        }
        var value = xhat
        if let gamma { value = Tensor.broadcastValues(MultiplyKernel.self, value, gamma, op: "layerNorm") }
        if let beta { value = Tensor.broadcastValues(AddKernel.self, value, beta, op: "layerNorm") }
        let hasGamma = gamma != nil
        let inputs = [self] + [gamma, beta].compactMap { $0 }
        let x = self
        return Tensor.record(value, inputs: inputs) { g, needed in
            if Tensor.isRecording(inputs + [g]) {
                return Tensor.layerNormGradients(x: x, g: g, gamma: gamma, beta: beta, epsilon: epsilon, needed: needed)
            }
            var grads: [Tensor?] = []
            if needed[0] {
                let dxhat = gamma.map { g * $0 } ?? g
                grads.append(Tensor.layerNormGradient(dxhat: dxhat, xhat: xhat, rstd: rstd))
            } else {
                grads.append(nil)
            }
            if hasGamma { grads.append(needed[1] ? (g * xhat).sum(toShape: [d]) : nil) }
            if beta != nil { grads.append(needed[grads.count] ? g.sum(toShape: [d]) : nil) }
            return grads
        }
    }

    /// Layer-norm gradients composed from differentiable operations (recorded backward
    /// passes, for higher-order derivatives).
    static func layerNormGradients(
        x: Tensor, g: Tensor, gamma: Tensor?, beta: Tensor?, epsilon: Double, needed: [Bool]
    ) -> [Tensor?] {
        let d = x.shape[x.rank - 1]
        let centred = x - x.mean(axis: -1, keepingDims: true)
        let rstd = (centred.squared().mean(axis: -1, keepingDims: true) + epsilon).pow(-0.5)
        let xhat = centred * rstd
        var grads: [Tensor?] = []
        if needed[0] {
            let dxhat = gamma.map { g * $0 } ?? g
            grads.append(
                rstd * (dxhat - dxhat.mean(axis: -1, keepingDims: true)
                    - xhat * (dxhat * xhat).mean(axis: -1, keepingDims: true)))
        } else {
            grads.append(nil)
        }
        if gamma != nil { grads.append(needed[1] ? (g * xhat).sum(toShape: [d]) : nil) }
        if beta != nil { grads.append(needed[grads.count] ? g.sum(toShape: [d]) : nil) }
        return grads
    }

    /// Input gradient of layer normalisation (a first-order primitive, not recorded).
    static func layerNormGradient(dxhat: Tensor, xhat: Tensor, rstd: Tensor) -> Tensor {
        let d = xhat.shape.last ?? 1
        switch (dxhat.storage, xhat.storage, rstd.storage) {
        case let (.float32(g), .float32(h), .float32(r)):
            return Tensor(shape: xhat.shape, storage: .float32(layerNormBackwardKernel(g, h, r, width: d)))
        case let (.float64(g), .float64(h), .float64(r)):
            return Tensor(shape: xhat.shape, storage: .float64(layerNormBackwardKernel(g, h, r, width: d)))
        default:
            preconditionFailure("Tensor.layerNorm: gradient dtype \(dxhat.dtype) does not match \(xhat.dtype)")
        }
    }

    /// Graph normalisation (Cai et al. 2021) of node rows grouped into `count` graphs by
    /// `rows` (graph of each row): `gamma·(x − alpha·μ_g)/√(σ²_g + ε) + beta`, with μ_g and
    /// σ²_g the per-graph mean and variance of each feature; `alpha`, `gamma`, `beta` of
    /// shape [features] or absent (1, 1, 0). Built from differentiable primitives.
    public func graphNorm(
        rows: [Int], count: Int, alpha: Tensor? = nil, gamma: Tensor? = nil, beta: Tensor? = nil,
        epsilon: Double = 1e-5
    ) -> Tensor {
        precondition(rank == 2, "Tensor.graphNorm: needs [nodes, features], got \(shape)")
        let mean = segmentMean(rows: rows, count: count).gather(rows: rows)
        let centered = self - (alpha.map { mean * $0 } ?? mean)
        let variance = centered.squared().segmentMean(rows: rows, count: count)
        var y = centered / (variance + epsilon).sqrt().gather(rows: rows)
        if let gamma { y = y * gamma }
        if let beta { y = y + beta }
        return y
    }
}
