import CKilnKernels
import Foundation
import KilnSupport

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
    let norm1: (weight: Vec64, bias: Vec64)
    let norm2: (weight: Vec64, bias: Vec64)
    /// γ₁, β₁, γ₂, β₂ of the two LayerNorms back to back (`[256]`), for the row kernels.
    private let normParameters: [Float]

    /// What the backward pass needs from one forward call over `rows` rows.
    struct Tape {
        let rows: Int
        /// First-layer pre-activations h and σ(h), `[rows, 128]` each (only with a hidden layer).
        var hidden: [Float]
        var hiddenSigmoid: [Float]
        /// Normalised second-layer outputs x̂, σ of the LayerNorm outputs (`[rows, 128]` each)
        /// and inverse standard deviations `[rows, 2]`.
        var normalized: [Float]
        var normSigmoid: [Float]
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
        norm1 = (Vec64(try t.floats("\(prefix).bn1.weight", shape: [w])), Vec64(try t.floats("\(prefix).bn1.bias", shape: [w])))
        norm2 = (Vec64(try t.floats("\(prefix).bn2.weight", shape: [w])), Vec64(try t.floats("\(prefix).bn2.bias", shape: [w])))
        normParameters = try ["bn1.weight", "bn1.bias", "bn2.weight", "bn2.bias"].flatMap { try t.floats("\(prefix).\($0)", shape: [w]) }
    }

    /// G applied to first-layer pre-activations `h` `[rows, 128]` (bias included).
    /// Returns the output `[rows, 64]` and, when `record`, the tape for `backward`.
    func forward(_ h: consuming [Float], rows: Int, record: Bool) -> (output: [Float], tape: Tape?) {
        let w = Self.width, w2 = 2 * w
        // without a hidden layer h itself becomes the LayerNorm input (normalised in place)
        var z: [Float], hidden: [Float] = []
        if second == nil { z = h } else { hidden = h; z = .uninitialized(rows * w2) }
        var sh = second == nil ? [] : [Float].uninitialized(rows * w2)
        var sy = [Float].uninitialized(rows * w2)
        var out = [Float].uninitialized(rows * w)
        var inv = [Float].uninitialized(rows * 2)
        hidden.withUnsafeBufferPointer { hp in
        z.withUnsafeMutableBufferPointer { zp in
        sh.withUnsafeMutableBufferPointer { shp in
        sy.withUnsafeMutableBufferPointer { syp in
        out.withUnsafeMutableBufferPointer { op in
        inv.withUnsafeMutableBufferPointer { ip in
            WorkQueue.chunks(rows, grain: Dense.rowGrain) { range in
                let n = range.count, r0 = range.lowerBound
                let zc = zp.baseAddress! + r0 * w2, syc = syp.baseAddress! + r0 * w2
                if let s = second {
                    let hc = hp.baseAddress! + r0 * w2, shc = shp.baseAddress! + r0 * w2
                    var act = [Float].uninitialized(n * w2)
                    act.withUnsafeMutableBufferPointer { Dense.silu(hc, sigmoid: shc, $0.baseAddress!, count: n * w2) }
                    // z = bias, then z += act · Wᵀ per half
                    var bias = s.coreBias + s.gateBias
                    bias.withUnsafeMutableBufferPointer { Dense.broadcastRow($0.baseAddress!, zc, rows: n, width: w2) }
                    act.withUnsafeBufferPointer { a in
                        Dense.matmulTransposed(a.baseAddress!, s.core, zc, m: n, n: w, k: w, lda: w2, ldc: w2, accumulate: true)
                        Dense.matmulTransposed(a.baseAddress! + w, s.gate, zc + w, m: n, n: w, k: w, lda: w2, ldc: w2, accumulate: true)
                    }
                }
                normParameters.withUnsafeBufferPointer { pp in
                    kiln_gated_forward(zc, pp.baseAddress!, syc, op.baseAddress! + r0 * w, ip.baseAddress! + 2 * r0, n)
                }
            }
        } } } } } }
        guard record else { return (out, nil) }
        return (out, Tape(rows: rows, hidden: hidden, hiddenSigmoid: sh,
                          normalized: z, normSigmoid: sy, inverseStd: inv))
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
        var dz = [Float].uninitialized(rows * w2)
        var out = [Float].uninitialized(rows * w)
        var dh = second == nil ? [] : [Float].uninitialized(rows * w2)
        dOut.withUnsafeBufferPointer { dp in
        tape.normalized.withUnsafeBufferPointer { xp in
        tape.normSigmoid.withUnsafeBufferPointer { sp in
        tape.inverseStd.withUnsafeBufferPointer { ip in
        tape.hidden.withUnsafeBufferPointer { hp in
        tape.hiddenSigmoid.withUnsafeBufferPointer { shp in
        dz.withUnsafeMutableBufferPointer { dzp in
        out.withUnsafeMutableBufferPointer { op in
        dh.withUnsafeMutableBufferPointer { dhp in
            WorkQueue.chunks(rows, grain: Dense.rowGrain) { range in
                let r0 = range.lowerBound
                normParameters.withUnsafeBufferPointer { pp in
                    kiln_gated_backward(xp.baseAddress! + r0 * w2, sp.baseAddress! + r0 * w2, dp.baseAddress! + r0 * w,
                                        pp.baseAddress!, ip.baseAddress! + 2 * r0, dzp.baseAddress! + r0 * w2,
                                        op.baseAddress! + r0 * w, range.count)
                }
                if let s = second {
                    let n = range.count
                    let dhr = dhp.baseAddress! + r0 * w2
                    // ds = dz_core · W3core → dh[:, 0..<64], dz_gate · W3gate → dh[:, 64..<128]
                    Dense.matmul(dzp.baseAddress! + r0 * w2, s.core, dhr, m: n, n: w, k: w, lda: w2, ldc: w2)
                    Dense.matmul(dzp.baseAddress! + r0 * w2 + w, s.gate, dhr + w, m: n, n: w, k: w, lda: w2, ldc: w2)
                    Dense.multiplySiluDerivative(dhr, hp.baseAddress! + r0 * w2, shp.baseAddress! + r0 * w2, count: n * w2)
                }
            }
        } } } } } } } } }
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
