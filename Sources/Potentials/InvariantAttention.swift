import Tensor

/// HIENet's invariant attention layer (the Comformer node update, one head) on scalar node
/// features x [N, C] (float32): for an edge j → i with radial features e_ij,
///   k'_ij = MLP_k([k_i, k_j, W_e e_ij]),  α_ij = q_i ⊙ k'_ij / √C,
///   m_ij  = MLP_m([v_i, v_j, W_e e_ij]) ⊙ σ(LN_α(α_ij)),
///   o_i   = W_o Σ_j m_ij,
/// then a gated update with reset r = σ(W_r x) and update u = σ(W_u x):
///   x' = (1 − u) ⊙ (r ⊙ x) + u ⊙ ((1 − u) ⊙ x + u ⊙ softplus(LN(o))).
/// Every map is a torch `nn.Linear` (weight [out, in] and bias); the MLPs are Linear–SiLU–Linear.
struct InvariantAttention: @unchecked Sendable {  // constant (untracked) tensors only
    struct Affine {
        let weight: Tensor
        let bias: Tensor
        func callAsFunction(_ x: Tensor) -> Tensor { x.linear(weight: weight, bias: bias) }
    }

    /// The first layer of an edge MLP on [a_i, a_j, W_e e_ij + b_e], split by its input blocks so the
    /// node parts run per node and the edge part composes with W_e (B radial features instead of C):
    /// target(a_i) + source(a_j) + e_ij (W_c W_e)ᵀ + (b + W_c b_e).
    struct EdgeInput {
        let target, source: Tensor  // [C, C]
        let edge: Affine  // [C, B]

        init(_ first: Affine, edge e: Affine) {
            let c = first.weight.shape[0]
            target = first.weight.slice(axis: 1, 0..<c)
            source = first.weight.slice(axis: 1, c..<2 * c)
            let third = first.weight.slice(axis: 1, 2 * c..<3 * c)
            edge = Affine(weight: third.matmul(e.weight), bias: first.bias + e.bias.reshaped(to: [1, c]).matmul(third, transposeB: true).reshaped(to: [c]))
        }

        func callAsFunction(_ a: Tensor, radial: Tensor, source s: [Int], target t: [Int]) -> Tensor {
            a.linear(weight: target).gather(rows: t) + a.linear(weight: source).gather(rows: s) + edge(radial)
        }
    }

    let query, key, value, concat, reset, update: Affine
    let keyInput, messageInput: EdgeInput
    let keyOutput, messageOutput: Affine
    let norm, normAttention: Affine  // LayerNorm γ (weight) and β (bias)
    let epsilon: Double

    /// Reads layer `index` (tensors `inv.<index>.<name>.weight/.bias`) of width `channels` on
    /// `edgeFeatures` radial features.
    init(_ st: SafeTensors, index: Int, channels c: Int, edgeFeatures: Int, epsilon: Double) throws {
        func affine(_ name: String, in n: Int, out m: Int = c) throws -> Affine {
            let p = "inv.\(index).\(name)"
            return Affine(weight: Tensor(shape: [m, n], scalars: try st.floats("\(p).weight", shape: [m, n])),
                          bias: Tensor(shape: [m], scalars: try st.floats("\(p).bias", shape: [m])))
        }
        func scale(_ name: String) throws -> Affine {
            let p = "inv.\(index).\(name)"
            return Affine(weight: Tensor(shape: [c], scalars: try st.floats("\(p).weight", shape: [c])),
                          bias: Tensor(shape: [c], scalars: try st.floats("\(p).bias", shape: [c])))
        }
        query = try affine("query", in: c)
        key = try affine("key", in: c)
        value = try affine("value", in: c)
        concat = try affine("concat", in: c)
        reset = try affine("reset", in: c)
        update = try affine("update", in: c)
        let edge = try affine("edge", in: edgeFeatures)
        keyInput = EdgeInput(try affine("key_update.0", in: 3 * c), edge: edge)
        messageInput = EdgeInput(try affine("msg_update.0", in: 3 * c), edge: edge)
        keyOutput = try affine("key_update.2", in: c)
        messageOutput = try affine("msg_update.2", in: c)
        norm = try scale("norm")
        normAttention = try scale("norm_att")
        self.epsilon = epsilon
    }

    /// Updates `x` [N, C] from messages along edges `source → target` with radial features [E, B].
    func callAsFunction(_ x: Tensor, radial: Tensor, source: [Int], target: [Int]) -> Tensor {
        let n = x.shape[0], c = Double(x.shape[1])
        let keys = keyOutput(keyInput(key(x), radial: radial, source: source, target: target).silu())
        let alpha = query(x).gather(rows: target) * keys * (1 / c.squareRoot())
        let values = messageOutput(messageInput(value(x), radial: radial, source: source, target: target).silu())
        let attention = alpha.layerNorm(gamma: normAttention.weight, beta: normAttention.bias, epsilon: epsilon).sigmoid()
        let out = concat((values * attention).scatterAdd(rows: target, count: n))
        let r = reset(x).sigmoid(), u = update(x).sigmoid(), keep = 1.0 - u
        let candidate = keep * x + u * out.layerNorm(gamma: norm.weight, beta: norm.bias, epsilon: epsilon).softplus()
        return keep * (r * x) + u * candidate
    }
}
