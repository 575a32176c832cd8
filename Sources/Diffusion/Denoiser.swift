import Foundation
import Tensor

/// The denoiser: DiffCSP's CSPNet (Jiao et al., NeurIPS 2023). Message passing over all atom pairs
/// of a cell; an edge sees both atoms' features, the lattice's inner products LLᵀ (invariant under
/// rotation) and Fourier features of the fractional-coordinate difference (invariant under periodic
/// translation), so the coordinate and type outputs are invariant and the lattice output, a learned
/// 3×3 matrix times L, is equivariant. Nodes carry their (noisy) type vector and timestep embedding.
struct Denoiser: Sendable {
    let config: DiffusionConfig

    /// The network's parameters: names and shapes in a fixed order over one flat vector.
    static func layout(_ c: DiffusionConfig) -> ParameterLayout {
        var l = ParameterLayout()
        let (h, v) = (c.hidden, c.species.count)
        l.add("type.weight", [h, v], fanIn: v); l.add("type.bias", [h], fanIn: v)
        let latentIn = h + c.timeWidth + c.conditionWidth
        l.add("latent.weight", [h, latentIn], fanIn: latentIn); l.add("latent.bias", [h], fanIn: latentIn)
        let edgeIn = 2 * h + 9 + c.fourierWidth
        for k in 0..<c.layers {
            let p = "layer.\(k)."
            l.add(p + "norm.gamma", [h], constant: 1); l.add(p + "norm.beta", [h], constant: 0)
            // The first edge layer acts on [hᵢ, hⱼ, LLᵀ, Fourier]; its column blocks are kept apart so
            // the node parts are computed once per atom instead of once per pair.
            l.add(p + "edge0.source", [h, h], fanIn: edgeIn); l.add(p + "edge0.target", [h, h], fanIn: edgeIn)
            l.add(p + "edge0.lattice", [h, 9], fanIn: edgeIn); l.add(p + "edge0.fourier", [h, c.fourierWidth], fanIn: edgeIn)
            l.add(p + "edge0.bias", [h], fanIn: edgeIn)
            l.add(p + "edge1.weight", [h, h], fanIn: h); l.add(p + "edge1.bias", [h], fanIn: h)
            l.add(p + "node0.weight", [h, 2 * h], fanIn: 2 * h); l.add(p + "node0.bias", [h], fanIn: 2 * h)
            l.add(p + "node1.weight", [h, h], fanIn: h); l.add(p + "node1.bias", [h], fanIn: h)
        }
        l.add("final.gamma", [h], constant: 1); l.add("final.beta", [h], constant: 0)
        l.add("coordinate.weight", [3, h], fanIn: h)
        l.add("lattice.weight", [9, h], fanIn: h)
        if c.generatesTypes { l.add("types.weight", [v, h], fanIn: h); l.add("types.bias", [v], fanIn: h) }
        return l
    }

    /// What the network is given for one batch (all constants: training differentiates the weights only).
    struct Input {
        let batch: CrystalBatch
        /// [N, V] one-hot or noisy type vectors.
        let types: Tensor
        /// Fractional coordinates [N·3] and lattices [B·9] (rows a, b, c) at the current noise level.
        let fractional: [Double], lattices: [Double]
        /// Timestep of lattice and coordinates, and of the types, per crystal.
        let times: [Int], typeTimes: [Int]
        /// [B, conditionWidth] condition vectors (zeros: unconditional).
        let condition: [Float]
    }

    /// ε̂ of the lattice [B, 3, 3], the normalised coordinate score [N, 3] and (de novo) ε̂ of the type vectors [N, V].
    struct Output {
        let lattice: Tensor, coordinates: Tensor, types: Tensor?
    }

    func callAsFunction(_ w: [String: Tensor], _ x: Input) -> Output {
        let c = config, b = x.batch
        let (n, h) = (b.atoms, c.hidden)
        var node = x.types.linear(weight: w["type.weight"]!, bias: w["type.bias"]!)
        var parts = [node, timeEmbedding(x.times, graph: b.graph)]
        if c.generatesTypes { parts.append(timeEmbedding(x.typeTimes, graph: b.graph)) }
        if c.conditionWidth > 0 {
            parts.append(Tensor(shape: [b.crystals, c.conditionWidth], scalars: x.condition).gather(rows: b.graph))
        }
        node = Tensor.concat(parts, axis: 1).linear(weight: w["latent.weight"]!, bias: w["latent.bias"]!)

        let fourier = fourierFeatures(x.fractional, batch: b)
        let products = latticeProducts(x.lattices)
        for k in 0..<c.layers {
            let p = "layer.\(k)."
            let normed = node.layerNorm(gamma: w[p + "norm.gamma"]!, beta: w[p + "norm.beta"]!)
            let fromSource = normed.linear(weight: w[p + "edge0.source"]!).gather(rows: b.source)
            let fromTarget = normed.linear(weight: w[p + "edge0.target"]!).gather(rows: b.target)
            let fromLattice = products.linear(weight: w[p + "edge0.lattice"]!).gather(rows: b.edgeGraph)
            let fromFourier = fourier.linear(weight: w[p + "edge0.fourier"]!, bias: w[p + "edge0.bias"]!)
            let edge = (fromSource + fromTarget + fromLattice + fromFourier).silu()
                .linear(weight: w[p + "edge1.weight"]!, bias: w[p + "edge1.bias"]!).silu()
            let aggregated = edge.segmentMean(rows: b.source, count: n)
            let update = Tensor.concat([normed, aggregated], axis: 1)
                .linear(weight: w[p + "node0.weight"]!, bias: w[p + "node0.bias"]!).silu()
                .linear(weight: w[p + "node1.weight"]!, bias: w[p + "node1.bias"]!).silu()
            node = node + update
        }
        node = node.layerNorm(gamma: w["final.gamma"]!, beta: w["final.beta"]!)
        precondition(node.shape == [n, h])
        let coordinates = node.linear(weight: w["coordinate.weight"]!)
        let pooled = node.segmentMean(rows: b.graph, count: b.crystals).linear(weight: w["lattice.weight"]!)
        // (M·L)ᵢₖ = Σⱼ Mᵢⱼ Lⱼₖ per crystal: M is rotation invariant, so the output rotates with L.
        let l = Tensor(shape: [b.crystals, 1, 3, 3], scalars: x.lattices.map { Float($0) })
        let lattice = (pooled.reshaped(to: [b.crystals, 3, 3, 1]) * l).sum(axis: 2)
        let types = c.generatesTypes ? node.linear(weight: w["types.weight"]!, bias: w["types.bias"]!) : nil
        return Output(lattice: lattice, coordinates: coordinates, types: types)
    }

    /// Sinusoidal embedding of integer timesteps (DiffCSP's SinusoidalTimeEmbeddings), one row per atom.
    func timeEmbedding(_ times: [Int], graph: [Int]) -> Tensor {
        Tensor(shape: [times.count, config.timeEmbedding], scalars: Self.timeEmbedding(times, width: config.timeEmbedding)).gather(rows: graph)
    }

    /// The embedding rows of `times`, `width` each: sin then cos of t·10000^(−k/(width/2 − 1)).
    static func timeEmbedding(_ times: [Int], width: Int) -> [Float] {
        let half = width / 2
        let scale = log(10000.0) / Double(half - 1)
        var rows = [Float](repeating: 0, count: times.count * 2 * half)
        for (g, t) in times.enumerated() {
            for k in 0..<half {
                let angle = Double(t) * exp(-Double(k) * scale)
                rows[g * 2 * half + k] = Float(sin(angle))
                rows[g * 2 * half + half + k] = Float(cos(angle))
            }
        }
        return rows
    }

    /// sin and cos of 2πk·Δf for k = 0…K−1 and each axis of Δf = (fⱼ − fᵢ) mod 1, per edge
    /// (DiffCSP's SinusoidsEmbedding: [sin of axis-major k-minor, then cos]).
    func fourierFeatures(_ frac: [Double], batch b: CrystalBatch) -> Tensor {
        let k = config.frequencies, width = 6 * k
        var rows = [Float](repeating: 0, count: b.source.count * width)
        for e in b.source.indices {
            let (i, j) = (b.source[e], b.target[e])
            for axis in 0..<3 {
                var d = frac[3 * j + axis] - frac[3 * i + axis]
                d -= d.rounded(.down)
                for f in 0..<k {
                    let angle = 2 * Double.pi * Double(f) * d
                    rows[e * width + axis * k + f] = Float(sin(angle))
                    rows[e * width + 3 * k + axis * k + f] = Float(cos(angle))
                }
            }
        }
        return Tensor(shape: [b.source.count, width], scalars: rows)
    }

    /// LLᵀ per crystal, flattened [B, 9].
    func latticeProducts(_ lattices: [Double]) -> Tensor {
        Tensor(shape: [lattices.count / 9, 9], scalars: Self.latticeProducts(lattices))
    }

    /// LLᵀ of each 3×3 lattice (rows a, b, c) in `lattices`, 9 values per crystal.
    static func latticeProducts(_ lattices: [Double]) -> [Float] {
        let count = lattices.count / 9
        var out = [Float](repeating: 0, count: count * 9)
        for g in 0..<count {
            for i in 0..<3 {
                for j in 0..<3 {
                    var s = 0.0
                    for k in 0..<3 { s += lattices[9 * g + 3 * i + k] * lattices[9 * g + 3 * j + k] }
                    out[9 * g + 3 * i + j] = Float(s)
                }
            }
        }
        return out
    }
}
