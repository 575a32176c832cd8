import Foundation
import KilnSupport
import Potentials

/// The denoiser's forward pass for sampling, on flat Float32 buffers: the network `Denoiser` builds
/// on the Tensor tape for training, without the tape's allocations — the three edge inputs gathered
/// and added in one kernel, SiLU in the AVX2 row kernels, the Fourier features' sines and cosines by
/// the angle-addition recurrence. `DenoiserPassTests` holds the two passes equal.
struct DenoiserPass: Sendable {
    let config: DiffusionConfig
    /// Parameters by name, row-major as the layout stores them (linear weights `[out, in]`).
    let weights: [String: [Float]]

    init(config: DiffusionConfig, parameters: [Float]) {
        self.config = config
        weights = Dictionary(uniqueKeysWithValues: Denoiser.layout(config).slots.map { ($0.name, Array(parameters[$0.range])) })
    }

    /// A batch's index lists as the kernels read them (built once per batch, used at every step).
    struct Graph: Sendable {
        let batch: CrystalBatch
        let source: [Int32], target: [Int32], edgeGraph: [Int32]
        /// Each atom's first edge (its edges follow it, one per atom of its crystal).
        let firstEdge: [Int]
        init(_ batch: CrystalBatch) {
            self.batch = batch
            (source, target, edgeGraph) = (batch.source.map(Int32.init), batch.target.map(Int32.init), batch.edgeGraph.map(Int32.init))
            var first = [Int](repeating: 0, count: batch.atoms)
            for e in stride(from: batch.source.count - 1, through: 0, by: -1) { first[batch.source[e]] = e }
            firstEdge = first
        }
    }

    /// ε̂ of the lattices [B·9], the normalised coordinate scores [N·3] and (de novo) ε̂ of the types [N·V].
    func callAsFunction(_ g: Graph, _ x: Denoiser.Input) -> (lattice: [Double], coordinates: [Double], types: [Double]) {
        let c = config, b = g.batch
        let (n, h, e, crystals, v) = (b.atoms, c.hidden, b.source.count, b.crystals, c.species.count)

        // Node input: [type embedding, timestep embeddings, condition], then the latent layer.
        let timeRows = Denoiser.timeEmbedding(x.times, width: c.timeEmbedding)
        let typeTimeRows = c.generatesTypes ? Denoiser.timeEmbedding(x.typeTimes, width: c.timeEmbedding) : []
        let latentIn = h + c.timeWidth + c.conditionWidth, width = c.timeEmbedding
        var input = linear(x.types.floats, rows: n, in: v, "type.weight", "type.bias", stride: latentIn)
        for a in 0..<n {
            let crystal = b.graph[a]
            var k = a * latentIn + h
            for j in 0..<width { input[k + j] = timeRows[crystal * width + j] }
            k += width
            if c.generatesTypes {
                for j in 0..<width { input[k + j] = typeTimeRows[crystal * width + j] }
                k += width
            }
            for j in 0..<c.conditionWidth { input[k + j] = x.condition[crystal * c.conditionWidth + j] }
        }
        var node = linear(input, rows: n, in: latentIn, "latent.weight", "latent.bias")

        let fourier = fourierFeatures(x.fractional, g)
        let products = Denoiser.latticeProducts(x.lattices)
        for layer in 0..<c.layers {
            let p = "layer.\(layer)."
            let normed = layerNorm(node, rows: n, p + "norm.gamma", p + "norm.beta")
            let fromSource = linear(normed, rows: n, in: h, p + "edge0.source")
            let fromTarget = linear(normed, rows: n, in: h, p + "edge0.target")
            let fromLattice = linear(products, rows: crystals, in: 9, p + "edge0.lattice")
            var edge = linear(fourier, rows: e, in: c.fourierWidth, p + "edge0.fourier", p + "edge0.bias")
            fromSource.withUnsafeBufferPointer { s in
                fromTarget.withUnsafeBufferPointer { t in
                    fromLattice.withUnsafeBufferPointer { l in
                        g.source.withUnsafeBufferPointer { si in
                            g.target.withUnsafeBufferPointer { ti in
                                g.edgeGraph.withUnsafeBufferPointer { gi in
                                    Dense.parallelGatherAdd([s.baseAddress!, t.baseAddress!, l.baseAddress!],
                                                            [si.baseAddress!, ti.baseAddress!, gi.baseAddress!],
                                                            into: &edge, rows: e, width: h)
                                }
                            }
                        }
                    }
                }
            }
            silu(&edge)
            var message = linear(edge, rows: e, in: h, p + "edge1.weight", p + "edge1.bias")
            silu(&message)
            // [normed, mean of the atom's messages]: an atom's edges are consecutive (source-major), one per atom of its crystal.
            var joined = [Float](repeating: 0, count: n * 2 * h)
            joined.withUnsafeMutableBufferPointer { jp in
                message.withUnsafeBufferPointer { mp in
                    normed.withUnsafeBufferPointer { np in
                        WorkQueue.chunks(n, grain: Self.grain) { range in
                            for a in range {
                                let count = b.counts[b.graph[a]], first = g.firstEdge[a], inverse = 1 / Float(count)
                                let row = jp.baseAddress! + a * 2 * h, mean = row + h
                                row.update(from: np.baseAddress! + a * h, count: h)
                                for edge in first..<(first + count) {
                                    let m = mp.baseAddress! + edge * h
                                    for j in 0..<h { mean[j] += m[j] }
                                }
                                for j in 0..<h { mean[j] *= inverse }
                            }
                        }
                    }
                }
            }
            var update = linear(joined, rows: n, in: 2 * h, p + "node0.weight", p + "node0.bias")
            silu(&update)
            update = linear(update, rows: n, in: h, p + "node1.weight", p + "node1.bias")
            silu(&update)
            for k in node.indices { node[k] += update[k] }
        }
        node = layerNorm(node, rows: n, "final.gamma", "final.beta")
        let coordinates = linear(node, rows: n, in: h, "coordinate.weight")
        var pooled = [Float](repeating: 0, count: crystals * h)
        for a in 0..<n {
            let crystal = b.graph[a], inverse = 1 / Float(b.counts[crystal])
            for j in 0..<h { pooled[crystal * h + j] += node[a * h + j] * inverse }
        }
        let m = linear(pooled, rows: crystals, in: h, "lattice.weight")
        var lattice = [Double](repeating: 0, count: crystals * 9)
        for k in 0..<crystals {
            for i in 0..<3 {
                for l in 0..<3 {
                    var s: Float = 0
                    for j in 0..<3 { s += m[9 * k + 3 * i + j] * Float(x.lattices[9 * k + 3 * j + l]) }
                    lattice[9 * k + 3 * i + l] = Double(s)
                }
            }
        }
        let types = c.generatesTypes ? linear(node, rows: n, in: h, "types.weight", "types.bias").map(Double.init) : []
        return (lattice, coordinates.map(Double.init), types)
    }

    /// Fewest rows a core gets when a row loop is split (a 64-row GEMM still runs near full speed).
    private static let grain = 64

    /// rows × out = x [rows, in] · Wᵀ (+ bias), written with row stride `stride` (≥ out; the gap is left for the caller).
    private func linear(_ x: [Float], rows: Int, in k: Int, _ weight: String, _ bias: String? = nil, stride: Int? = nil) -> [Float] {
        let w = weights[weight]!, out = w.count / k, ld = stride ?? out
        let b = bias.map { weights[$0]! }
        var y = [Float].uninitialized(rows * ld)
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer { yp in
                    WorkQueue.chunks(rows, grain: Self.grain) { r in
                        if let b { b.withUnsafeBufferPointer { bp in for row in r { (yp.baseAddress! + row * ld).update(from: bp.baseAddress!, count: out) } } }
                        Dense.matmulTransposed(xp.baseAddress! + r.lowerBound * k, wp.baseAddress!, yp.baseAddress! + r.lowerBound * ld,
                                               m: r.count, n: out, k: k, ldc: ld, accumulate: b != nil)
                    }
                }
            }
        }
        return y
    }

    private func silu(_ x: inout [Float]) {
        let count = x.count
        x.withUnsafeMutableBufferPointer { Dense.parallelSiluInPlace($0.baseAddress!, count: count) }
    }

    /// Layer norm of each row (biased variance, ε 1e-5, as `Tensor.layerNorm`), then γ and β.
    private func layerNorm(_ x: [Float], rows: Int, _ gamma: String, _ beta: String) -> [Float] {
        let (g, bt, w) = (weights[gamma]!, weights[beta]!, config.hidden)
        var y = [Float].uninitialized(x.count)
        y.withUnsafeMutableBufferPointer { yp in
            WorkQueue.chunks(rows, grain: Self.grain) { range in
                for r in range {
                    var mean: Float = 0, variance: Float = 0
                    for j in 0..<w { mean += x[r * w + j] }
                    mean /= Float(w)
                    for j in 0..<w { variance += (x[r * w + j] - mean) * (x[r * w + j] - mean) }
                    let inverse = 1 / (variance / Float(w) + 1e-5).squareRoot()
                    for j in 0..<w { yp[r * w + j] = (x[r * w + j] - mean) * inverse * g[j] + bt[j] }
                }
            }
        }
        return y
    }

    /// `Denoiser.fourierFeatures` with sin and cos of 2πk·Δf from those of 2π·Δf by angle addition.
    private func fourierFeatures(_ frac: [Double], _ g: Graph) -> [Float] {
        let k = config.frequencies, width = 6 * k, edges = g.source.count
        var rows = [Float].uninitialized(edges * width)
        rows.withUnsafeMutableBufferPointer { out in
            WorkQueue.chunks(edges, grain: Dense.rowGrain) { range in
                for e in range {
                    let (i, j) = (Int(g.source[e]), Int(g.target[e]))
                    for axis in 0..<3 {
                        var d = frac[3 * j + axis] - frac[3 * i + axis]
                        d -= d.rounded(.down)
                        let (s1, c1) = (sin(2 * Double.pi * d), cos(2 * Double.pi * d))
                        var (s, c) = (0.0, 1.0)
                        for f in 0..<k {
                            out[e * width + axis * k + f] = Float(s)
                            out[e * width + 3 * k + axis * k + f] = Float(c)
                            (s, c) = (s * c1 + c * s1, c * c1 - s * s1)
                        }
                    }
                }
            }
        }
        return rows
    }
}
