import Foundation

/// CHGNet's gated MLP G(x) = SiLU(LN₁(Core(x))) ⊙ σ(LN₂(Gate(x))) with its backward pass.
/// The first linear layers of Core and Gate are stacked into one `[128, in]` weight and split
/// by input block (each `[128, 64]`), so callers can project each part of the concatenated
/// input once per atom/bond/angle and gather, instead of building the concatenation per row.
struct GatedMLP: Sendable {
    static let width = 64
    /// First-layer weight blocks, one per 64-wide input part, each `[128, 64]`
    /// (rows 0..<64 core, 64..<128 gate).
    let inputBlocks: [[Float]]
    /// First-layer bias `[128]`.
    let bias0: [Float]
    /// Second layers `[64, 64]` of core and gate with their biases, when the MLP has a hidden layer.
    let second: (core: [Float], coreBias: [Float], gate: [Float], gateBias: [Float])?
    let norm1: (weight: [Float], bias: [Float])
    let norm2: (weight: [Float], bias: [Float])

    /// What the backward pass needs from one forward call over `rows` rows.
    struct Tape {
        let rows: Int
        /// First-layer pre-activations `[rows, 128]` (only with a hidden layer).
        var hidden: [Float]
        /// Normalised second-layer outputs `[rows, 128]` and inverse standard deviations `[rows, 2]`.
        var normalized: [Float]
        var inverseStd: [Float]
    }

    /// Loads `prefix.mlp_{core,gate}.layers.{0,3}` (hidden layer) or `.layers.1` (none) and `prefix.bn{1,2}`.
    init(_ t: SafeTensors, prefix: String, inputParts: Int, hiddenLayer: Bool) throws {
        let w = Self.width, inDim = w * inputParts
        let first = hiddenLayer ? 0 : 1
        let core0 = try t.floats("\(prefix).mlp_core.layers.\(first).weight", shape: [w, inDim])
        let gate0 = try t.floats("\(prefix).mlp_gate.layers.\(first).weight", shape: [w, inDim])
        var blocks: [[Float]] = []
        for p in 0..<inputParts {
            var block = [Float].zeros(2 * w * w)
            for r in 0..<w {
                for c in 0..<w {
                    block[r * w + c] = core0[r * inDim + p * w + c]
                    block[(w + r) * w + c] = gate0[r * inDim + p * w + c]
                }
            }
            blocks.append(block)
        }
        inputBlocks = blocks
        bias0 = try t.floats("\(prefix).mlp_core.layers.\(first).bias", shape: [w])
            + t.floats("\(prefix).mlp_gate.layers.\(first).bias", shape: [w])
        if hiddenLayer {
            second = (try t.floats("\(prefix).mlp_core.layers.3.weight", shape: [w, w]),
                      try t.floats("\(prefix).mlp_core.layers.3.bias", shape: [w]),
                      try t.floats("\(prefix).mlp_gate.layers.3.weight", shape: [w, w]),
                      try t.floats("\(prefix).mlp_gate.layers.3.bias", shape: [w]))
        } else {
            second = nil
        }
        norm1 = (try t.floats("\(prefix).bn1.weight", shape: [w]), try t.floats("\(prefix).bn1.bias", shape: [w]))
        norm2 = (try t.floats("\(prefix).bn2.weight", shape: [w]), try t.floats("\(prefix).bn2.bias", shape: [w]))
    }

    /// G applied to first-layer pre-activations `h` `[rows, 128]` (bias included).
    /// Returns the output `[rows, 64]` and, when `record`, the tape for `backward`.
    func forward(_ h: [Float], rows: Int, record: Bool) -> (output: [Float], tape: Tape?) {
        let w = Self.width, w2 = 2 * w
        var z = second == nil ? h : [Float].zeros(rows * w2)
        var out = [Float].zeros(rows * w)
        var inv = [Float].zeros(rows * 2)
        h.withUnsafeBufferPointer { hp in
        z.withUnsafeMutableBufferPointer { zp in
        out.withUnsafeMutableBufferPointer { op in
        inv.withUnsafeMutableBufferPointer { ip in
            Dense.parallelRows(rows) { range in
                let n = range.count, r0 = range.lowerBound
                if let s = second {
                    var act = [Float].zeros(n * w2)
                    for k in 0..<(n * w2) { act[k] = Dense.silu(hp[r0 * w2 + k]) }
                    act.withUnsafeBufferPointer { a in
                        let zr = zp.baseAddress! + r0 * w2
                        Dense.matmulTransposed(a.baseAddress!, s.core, zr, m: n, n: w, k: w, lda: w2, ldc: w2)
                        Dense.matmulTransposed(a.baseAddress! + w, s.gate, zr + w, m: n, n: w, k: w, lda: w2, ldc: w2)
                    }
                    for r in range {
                        for c in 0..<w {
                            zp[r * w2 + c] += s.coreBias[c]
                            zp[r * w2 + w + c] += s.gateBias[c]
                        }
                    }
                }
                for r in range {
                    let zr = zp.baseAddress! + r * w2
                    ip[2 * r] = Self.normalize(zr, w)
                    ip[2 * r + 1] = Self.normalize(zr + w, w)
                    for c in 0..<w {
                        let y1 = zr[c] * norm1.weight[c] + norm1.bias[c]
                        let y2 = zr[w + c] * norm2.weight[c] + norm2.bias[c]
                        op[r * w + c] = Dense.silu(y1) * Dense.sigmoid(y2)
                    }
                }
            }
        } } } }
        guard record else { return (out, nil) }
        return (out, Tape(rows: rows, hidden: second == nil ? [] : h, normalized: z, inverseStd: inv))
    }

    /// Normalises `n` values in place (biased variance, eps 1e-5); returns 1/std.
    @inline(__always) static func normalize(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> Float {
        var mean: Float = 0
        for c in 0..<n { mean += x[c] }
        mean /= Float(n)
        var variance: Float = 0
        for c in 0..<n { let d = x[c] - mean; variance += d * d }
        let inv = 1 / (variance / Float(n) + 1e-5).squareRoot()
        for c in 0..<n { x[c] = (x[c] - mean) * inv }
        return inv
    }

    /// Backward of `forward`: from ∂E/∂G `[rows, 64]` to ∂E/∂h `[rows, 128]`; also returns G
    /// (recomputed from the tape) for callers that multiply G by other factors.
    func backward(_ dOut: [Float], tape: Tape) -> (dh: [Float], output: [Float]) {
        let w = Self.width, w2 = 2 * w, rows = tape.rows
        var dz = [Float].zeros(rows * w2)
        var out = [Float].zeros(rows * w)
        var dh = second == nil ? [] : [Float].zeros(rows * w2)
        dOut.withUnsafeBufferPointer { dp in
        tape.normalized.withUnsafeBufferPointer { xp in
        tape.inverseStd.withUnsafeBufferPointer { ip in
        tape.hidden.withUnsafeBufferPointer { hp in
        dz.withUnsafeMutableBufferPointer { dzp in
        out.withUnsafeMutableBufferPointer { op in
        dh.withUnsafeMutableBufferPointer { dhp in
            Dense.parallelRows(rows) { range in
                for r in range {
                    let x = xp.baseAddress! + r * w2, g = dzp.baseAddress! + r * w2
                    // gradient w.r.t. the LayerNorm outputs, then through the normalisation
                    for c in 0..<w {
                        let y1 = x[c] * norm1.weight[c] + norm1.bias[c]
                        let y2 = x[w + c] * norm2.weight[c] + norm2.bias[c]
                        let s2 = Dense.sigmoid(y2), a1 = Dense.silu(y1), d = dp[r * w + c]
                        op[r * w + c] = a1 * s2
                        g[c] = d * s2 * Dense.siluDerivative(y1) * norm1.weight[c]
                        g[w + c] = d * a1 * s2 * (1 - s2) * norm2.weight[c]
                    }
                    Self.normalizeBackward(g, x, ip[2 * r], w)
                    Self.normalizeBackward(g + w, x + w, ip[2 * r + 1], w)
                }
                if let s = second {
                    let n = range.count, r0 = range.lowerBound
                    let dhr = dhp.baseAddress! + r0 * w2
                    var ds = [Float].zeros(n * w)
                    ds.withUnsafeMutableBufferPointer { dsp in
                        // core half: ds = dz_core · W3core → dh[:, 0..<64]
                        Dense.matmul(dzp.baseAddress! + r0 * w2, s.core, dsp.baseAddress!, m: n, n: w, k: w, lda: w2)
                        for rr in 0..<n { for c in 0..<w { dhr[rr * w2 + c] = dsp[rr * w + c] } }
                        Dense.matmul(dzp.baseAddress! + r0 * w2 + w, s.gate, dsp.baseAddress!, m: n, n: w, k: w, lda: w2)
                        for rr in 0..<n { for c in 0..<w { dhr[rr * w2 + w + c] = dsp[rr * w + c] } }
                    }
                    for k in 0..<(n * w2) { dhr[k] *= Dense.siluDerivative(hp[r0 * w2 + k]) }
                }
            }
        } } } } } } }
        return (second == nil ? dz : dh, out)
    }

    /// In place: g ← inv·(g − mean(g) − x̂·mean(g·x̂)), the LayerNorm input gradient.
    @inline(__always) static func normalizeBackward(_ g: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                                                    _ inv: Float, _ n: Int) {
        var mg: Float = 0, mgx: Float = 0
        for c in 0..<n { mg += g[c]; mgx += g[c] * x[c] }
        mg /= Float(n); mgx /= Float(n)
        for c in 0..<n { g[c] = inv * (g[c] - mg - x[c] * mgx) }
    }
}
