import Crystal
import Foundation
import Tensor

/// One evaluation of CHGNet written in `Tensor` operations (see docs/architecture.md): geometry,
/// bases, embeddings, interaction blocks and readout are recorded on a `Tape`, and forces and
/// stress come from one reverse-mode pass of E_gnn with respect to the watched Cartesian
/// positions and a 3×3 strain ε (positions and lattice both multiplied by I + ε, as CHGNet does).
/// Same weights, graph and result as `CHGNetPass`; slower, but nothing in it is hand-derived.
struct CHGNetTensorPass {
    let weights: CHGNetWeights
    let config: CHGNetConfig
    let graph: CHGNetGraph

    private static let w = CHGNetWeights.width

    /// Runs the model on fractional coordinates in `lattice` (rows a, b, c).
    func run(atomicNumbers z: [Int], frac: [Vec3], lattice: Matrix3, gradients: Bool) -> CHGNetPass.Output {
        let g = graph, wt = weights, n = g.atoms
        let index = Indices(g)
        let tape = gradients ? Tape() : nil

        // Geometry (float64): r = F·L·(I + ε), image offsets n·L·(I + ε).
        let positions = Tensor(shape: [n, 3], scalars: frac.flatMap { f -> [Double] in
            let r = f * lattice
            return [r.x, r.y, r.z]
        })
        let strain = Tensor.zeros([3, 3], dtype: .float64)
        let (pos, eps) = tape.map { ($0.watch(positions), $0.watch(strain)) } ?? (positions, strain)
        let deformation = Tensor(shape: [3, 3], scalars: [1.0, 0, 0, 0, 1, 0, 0, 0, 1]) + eps
        let cart = pos.matmul(deformation)
        let cell = Tensor(shape: [3, 3], scalars: lattice.array.flatMap { $0 }).matmul(deformation)
        let images = Tensor(shape: [g.directedEdgeCount, 3], scalars: g.images.flatMap { [Double($0.x), Double($0.y), Double($0.z)] })
        let vectors = cart.gather(rows: index.centers) - (cart.gather(rows: index.neighbors) + images.matmul(cell))
        let lengths = vectors.squared().sum(axis: 1, keepingDims: true).sqrt()
        let units = vectors / lengths
        let bondLengths = lengths.gather(rows: index.representative)

        // Bases and embeddings.
        let p = config.cutoffCoefficient
        let rbfA = CHGNetBasis.radial(bondLengths, frequencies: wt.radialFrequenciesAtom,
                                      cutoff: config.atomGraphCutoff, p: p).cast(to: .float32)
        let rbfB = CHGNetBasis.radial(bondLengths, frequencies: wt.radialFrequenciesBond,
                                      cutoff: config.bondGraphCutoff, p: p).cast(to: .float32)
        let r = CHGNetWeights.radial, w = Self.w
        var v = Self.tensor(wt.atomEmbedding, [CHGNetWeights.elements, w]).gather(rows: z.map { $0 - 1 })
        var b = rbfA.linear(weight: Self.tensor(wt.bondEmbedding, [w, r]))
        let wa = rbfA.linear(weight: Self.tensor(wt.bondWeightsAtom, [w, r]))
        let wb = rbfB.linear(weight: Self.tensor(wt.bondWeightsBond, [w, r]))
        var a = Tensor.zeros([0, w])
        let hasAngles = g.angleCount > 0
        if hasAngles {
            let cosines = (units.gather(rows: index.angleLeftEdges) * units.gather(rows: index.angleRightEdges))
                .sum(axis: 1, keepingDims: true)
            let psi = CHGNetBasis.fourier((cosines * config.angleCosineScale).acos(), frequencies: wt.angleFrequencies)
            a = psi.cast(to: .float32).linear(weight: Self.tensor(wt.angleEmbedding, [w, CHGNetWeights.angular]))
        }

        // Interaction blocks.
        let waEdges = wa.gather(rows: index.undirected)
        let wbAngles = hasAngles ? wb.gather(rows: index.angleLeftBonds) * wb.gather(rows: index.angleRightBonds) : nil
        var magmoms: [Double] = []
        let blocks = wt.atomConvs.count
        for k in 0..<blocks {
            // Atom convolution: G([v_i ‖ b_u ‖ v_j]) ⊙ w^a_u, summed over centres.
            let conv = wt.atomConvs[k]
            let h = Self.firstLayer(conv.mlp, [(v, index.centers), (b, index.undirected), (v, index.neighbors)])
            let messages = Self.gated(conv.mlp, h) * waEdges
            v = v + messages.scatterAdd(rows: index.centers, count: n).linear(weight: Self.tensor(conv.output, [w, w]))
            if k == blocks - 1 { break }
            if let wbAngles {
                // Bond convolution: G([b_u ‖ b_u′ ‖ a_t ‖ v_c]) ⊙ w^b_u ⊙ w^b_u′, summed over left bonds.
                let bond = wt.bondConvs[k]
                let hb = Self.firstLayer(bond.mlp, angleParts(b, a, v, index))
                let bondMessages = Self.gated(bond.mlp, hb) * wbAngles
                b = b + bondMessages.scatterAdd(rows: index.angleLeftBonds, count: g.undirectedEdgeCount)
                    .linear(weight: Self.tensor(bond.output, [w, w]))
                // Angle update with the bonds just updated.
                let update = wt.angleUpdates[k]
                a = a + Self.gated(update, Self.firstLayer(update, angleParts(b, a, v, index)))
            }
            if k == blocks - 2 {
                let head = v.linear(weight: Self.tensor(wt.magmomWeight, [1, w]), bias: Tensor(shape: [1], scalars: [wt.magmomBias]))
                magmoms = head.floats.map { Double(abs($0)) }
            }
        }

        // Readout: LayerNorm, per-atom MLP, sum.
        var x = v.layerNorm(gamma: Self.tensor(wt.readoutNorm.weight, [w]), beta: Self.tensor(wt.readoutNorm.bias, [w]))
        for (i, layer) in wt.readout.enumerated() {
            let out = layer.bias.count
            x = x.linear(weight: Self.tensor(layer.weight, [out, w]), bias: Self.tensor(layer.bias, [out]))
            if i < wt.readout.count - 1 { x = x.silu() }
        }
        let energy = x.cast(to: .float64).sum()  // Σ_i ε_i without float32 rounding of the total
        guard let tape else {
            return CHGNetPass.Output(networkEnergy: energy.item, magmoms: magmoms, positionGradient: [], strainGradient: nil)
        }
        let grads = tape.gradients(of: energy, wrt: [pos, eps])
        let dPos = grads[0].doubles, dEps = grads[1].doubles
        return CHGNetPass.Output(
            networkEnergy: energy.item, magmoms: magmoms,
            positionGradient: (0..<n).map { Vec3(dPos[3 * $0], dPos[3 * $0 + 1], dPos[3 * $0 + 2]) },
            strainGradient: Matrix3(Vec3(dEps[0], dEps[1], dEps[2]), Vec3(dEps[3], dEps[4], dEps[5]),
                                    Vec3(dEps[6], dEps[7], dEps[8])))
    }

    /// The four parts of the bond-conv and angle-update input, in CHGNet's order:
    /// left bond, right bond, angle, centre atom.
    private func angleParts(_ b: Tensor, _ a: Tensor, _ v: Tensor, _ index: Indices) -> [(Tensor, [Int]?)] {
        [(b, index.angleLeftBonds), (b, index.angleRightBonds), (a, nil), (v, index.angleCenters)]
    }

    /// The graph's index arrays as `[Int]` for `gather`/`scatterAdd`.
    private struct Indices {
        let centers, neighbors, undirected, representative: [Int]
        let angleCenters, angleLeftBonds, angleRightBonds, angleLeftEdges, angleRightEdges: [Int]

        init(_ g: CHGNetGraph) {
            func ints(_ x: [Int32]) -> [Int] { x.map(Int.init) }
            centers = ints(g.centers); neighbors = ints(g.neighbors)
            undirected = ints(g.undirectedOfDirected); representative = ints(g.representative)
            angleCenters = ints(g.angleCenters); angleLeftBonds = ints(g.angleLeftBonds)
            angleRightBonds = ints(g.angleRightBonds); angleLeftEdges = ints(g.angleLeftEdges)
            angleRightEdges = ints(g.angleRightEdges)
        }
    }

    // MARK: layers

    /// A float32 weight as a constant tensor.
    private static func tensor(_ values: [Float], _ shape: [Int]) -> Tensor { Tensor(shape: shape, scalars: values) }

    /// A 64-wide parameter row of the fused engine's layout as a constant tensor `[64]`.
    private static func tensor(_ row: Vec64) -> Tensor {
        tensor([Float](unsafeUninitializedCapacity: w) { buffer, count in
            row.store(buffer.baseAddress!)
            count = w
        }, [w])
    }

    /// The first linear layer of Core and Gate (stacked, `[rows, 128]`, bias included) applied to
    /// the concatenation of `parts` (in order): the product with a concatenation is the sum of each part's
    /// product with its block of the weight, so each entity (atom, bond) is projected once and
    /// the projections are gathered to the rows (`nil` index: the part is already per row).
    private static func firstLayer(_ mlp: GatedMLP, _ parts: [(Tensor, [Int]?)]) -> Tensor {
        let w = Self.w
        let terms = parts.enumerated().map { p, part -> Tensor in
            let projected = part.0.linear(weight: tensor(mlp.inputBlocks[p], [2 * w, w]))
            return part.1.map { projected.gather(rows: $0) } ?? projected
        }
        return terms.dropFirst().reduce(terms[0], +) + tensor(mlp.bias0, [2 * w])
    }

    /// G = SiLU(LN₁(Core)) ⊙ σ(LN₂(Gate)) from the first-layer pre-activations `h` `[rows, 128]`.
    private static func gated(_ mlp: GatedMLP, _ h: Tensor) -> Tensor {
        let w = Self.w
        var core = h.slice(axis: 1, 0..<w), gate = h.slice(axis: 1, w..<(2 * w))
        if let s = mlp.second {
            core = core.silu().linear(weight: tensor(s.core, [w, w]), bias: tensor(s.coreBias, [w]))
            gate = gate.silu().linear(weight: tensor(s.gate, [w, w]), bias: tensor(s.gateBias, [w]))
        }
        let norm1 = core.layerNorm(gamma: tensor(mlp.norm1.weight), beta: tensor(mlp.norm1.bias))
        let norm2 = gate.layerNorm(gamma: tensor(mlp.norm2.weight), beta: tensor(mlp.norm2.bias))
        return norm1.silu() * norm2.sigmoid()
    }
}
