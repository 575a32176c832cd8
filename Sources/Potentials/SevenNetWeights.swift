import Tensor

/// The tensors of a converted SevenNet checkpoint as `Tensor` constants and equivariant blocks
/// (effective matrices, see scripts/convert_sevennet.py), every shape checked against the config.
struct SevenNetWeights: @unchecked Sendable {  // constant (untracked) tensors only
    /// One interaction layer.
    struct Layer: @unchecked Sendable {
        let selfConnection: IrrepsLinear
        let selfInteraction1: IrrepsLinear
        let selfInteraction2: IrrepsLinear
        /// Radial MLP: hidden linear maps [out, in], each followed by c·silu, then the last layer cut
        /// into one [mul, in] map per tensor-product path.
        let radial: [Tensor]
        let pathWeights: [Tensor]
        let radialConstant: Double
        let product: UVUTensorProduct
        let gate: EquivariantGate
        let denominator: Double
    }

    let embedding: Tensor  // [species, channels]
    let bessel: [Double]
    let invariant: [InvariantAttention]
    let layers: [Layer]
    let readoutHidden: Tensor
    let readoutHiddenBias: Tensor?
    let readoutEnergy: Tensor
    let shift: [Double]
    let scale: [Double]

    init(_ st: SafeTensors, config: SevenNetConfig) throws {
        let species = config.species.count
        func tensor(_ name: String, _ shape: [Int]) throws -> Tensor {
            Tensor(shape: shape, scalars: try st.floats(name, shape: shape))
        }
        /// A bias the checkpoint may carry (SevenNet-MF-0's fidelity folded in), checked when present.
        func optional(_ name: String, _ shape: [Int]) throws -> Tensor? {
            st.entries[name] == nil ? nil : try tensor(name, shape)
        }
        let channels = config.layers[0].irrepsIn.first { $0.degree == 0 }?.multiplicity ?? 0
        embedding = try tensor("embedding", [species, channels])
        let basis = st.entries["bessel"]?.shape.first ?? 0
        bessel = try st.floats("bessel", shape: [basis]).map(Double.init)
        invariant = try config.invariantLayers.enumerated().map { k, layer in
            try InvariantAttention(st, index: k, channels: layer.channels, edgeFeatures: basis, epsilon: layer.layerNormEpsilon)
        }
        func multiplicities(_ blocks: [IrrepBlock]) -> [Int: Int] {
            blocks.reduce(into: [:]) { $0[$1.degree, default: 0] += $1.multiplicity }
        }
        func linear(_ name: String, from: [Int: Int], to: [Int: Int]) throws -> IrrepsLinear {
            var w: [Int: Tensor] = [:]
            for (l, i) in from { if let o = to[l] { w[l] = try tensor("\(name).\(l)", [o, i]) } }
            let bias = try to[0].flatMap { o in try optional("\(name).0.bias", [o]) }
            return IrrepsLinear(weights: w, scalarBias: bias)
        }
        layers = try config.layers.enumerated().map { k, c in
            let input = multiplicities(c.irrepsIn), gateIn = multiplicities(c.irrepsGateIn)
            let product = UVUTensorProduct(paths: c.instructions)
            let mid = c.instructions.reduce(into: [Int: Int]()) { $0[$1.l3, default: 0] += $1.mul }
            let sizes = [basis] + c.radialHidden + [product.weightCount]
            var radial = try (0..<sizes.count - 1).map { try tensor("\(k).fc.\($0)", [sizes[$0 + 1], sizes[$0]]) }
            let last = radial.removeLast()
            var offset = 0
            let pathWeights = c.instructions.map { path -> Tensor in
                defer { offset += path.mul }
                return last.slice(axis: 0, offset..<offset + path.mul)
            }
            return Layer(
                selfConnection: try linear("\(k).sc", from: input, to: gateIn),
                selfInteraction1: try linear("\(k).si1", from: input, to: input),
                selfInteraction2: try linear("\(k).si2", from: mid, to: gateIn),
                radial: radial, pathWeights: pathWeights, radialConstant: c.radialActivationConstant, product: product,
                gate: EquivariantGate(scalars: c.scalars, scalarConstant: c.scalarActivationConstant,
                                      gateConstant: c.gateActivationConstant ?? 0),
                denominator: c.convDenominator)
        }
        let last = multiplicities(config.layers[config.layers.count - 1].irrepsOut)[0] ?? 0
        let hidden = st.entries["readout.hidden"]?.shape.first ?? 0
        readoutHidden = try tensor("readout.hidden", [hidden, last])
        readoutHiddenBias = try optional("readout.hidden.bias", [hidden])
        readoutEnergy = try tensor("readout.energy", [1, hidden])
        shift = try st.floats("shift", shape: [species]).map(Double.init)
        scale = try st.floats("scale", shape: [species]).map(Double.init)
    }
}
