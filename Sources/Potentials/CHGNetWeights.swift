import Foundation

/// The 136 tensors of CHGNet 0.3.0, grouped by role (names as in the PyTorch `state_dict`;
/// see Resources/chgnet-0.3.0). Linear weights keep PyTorch's `[out, in]` layout.
struct CHGNetWeights: Sendable {
    static let width = 64, radial = 31, angular = 31, elements = 94

    /// One interaction layer: its gated MLP and (for atom/bond convs) the output projection `[64, 64]`.
    struct Layer: Sendable {
        let mlp: GatedMLP
        let output: [Float]
    }

    let atomEmbedding: [Float]          // [94, 64]
    let radialFrequenciesAtom: [Float]  // [31], rc = atom-graph cutoff
    let radialFrequenciesBond: [Float]  // [31], rc = bond-graph cutoff
    let angleFrequencies: [Float]       // [15]
    let bondEmbedding: [Float]          // [64, 31]
    let bondWeightsAtom: [Float]        // [64, 31]
    let bondWeightsBond: [Float]        // [64, 31]
    let angleEmbedding: [Float]         // [64, 31]
    let atomConvs: [Layer]              // 4
    let bondConvs: [Layer]              // 3
    let angleUpdates: [GatedMLP]        // 3
    let magmomWeight: [Float]           // [64]
    let magmomBias: Float
    let readoutNorm: (weight: [Float], bias: [Float])
    /// Readout MLP: three 64→64 SiLU layers, then 64→1.
    let readout: [(weight: [Float], bias: [Float])]
    /// AtomRef energies per element (eV), indexed by Z−1.
    let atomReference: [Float]

    init(_ t: SafeTensors) throws {
        let w = Self.width, r = Self.radial
        atomEmbedding = try t.floats("atom_embedding.embedding.weight", shape: [Self.elements, w])
        radialFrequenciesAtom = try t.floats("bond_basis_expansion.rbf_expansion_ag.frequencies", shape: [r])
        radialFrequenciesBond = try t.floats("bond_basis_expansion.rbf_expansion_bg.frequencies", shape: [r])
        angleFrequencies = try t.floats("angle_basis_expansion.fourier_expansion.frequencies",
                                        shape: [(Self.angular - 1) / 2])
        bondEmbedding = try t.floats("bond_embedding.weight", shape: [w, r])
        bondWeightsAtom = try t.floats("bond_weights_ag.weight", shape: [w, r])
        bondWeightsBond = try t.floats("bond_weights_bg.weight", shape: [w, r])
        angleEmbedding = try t.floats("angle_embedding.weight", shape: [w, Self.angular])
        atomConvs = try (0..<4).map { k in
            Layer(mlp: try GatedMLP(t, prefix: "atom_conv_layers.\(k).twoBody_atom", inputParts: 3, hiddenLayer: true),
                  output: try t.floats("atom_conv_layers.\(k).mlp_out.layers.1.weight", shape: [w, w]))
        }
        bondConvs = try (0..<3).map { k in
            Layer(mlp: try GatedMLP(t, prefix: "bond_conv_layers.\(k).twoBody_bond", inputParts: 4, hiddenLayer: true),
                  output: try t.floats("bond_conv_layers.\(k).mlp_out.layers.1.weight", shape: [w, w]))
        }
        angleUpdates = try (0..<3).map { k in
            try GatedMLP(t, prefix: "angle_layers.\(k).twoBody_bond", inputParts: 4, hiddenLayer: false)
        }
        magmomWeight = try t.floats("site_wise.weight", shape: [1, w])
        magmomBias = try t.floats("site_wise.bias", shape: [1])[0]
        readoutNorm = (try t.floats("readout_norm.weight", shape: [w]), try t.floats("readout_norm.bias", shape: [w]))
        readout = try [(0, w), (2, w), (4, w), (7, 1)].map { index, out in
            (try t.floats("mlp.layers.\(index).weight", shape: [out, w]), try t.floats("mlp.layers.\(index).bias", shape: [out]))
        }
        atomReference = try t.floats("composition_model.fc.weight", shape: [1, Self.elements])
    }
}
