/// Where a tracked tensor sits on its tape. The tape is held weakly so tensors kept
/// after the tape is gone simply behave as constants.
struct TapeNode {
    weak var tape: Tape?
    let index: Int
}

/// A reverse-mode automatic-differentiation tape.
///
/// Watch the inputs to differentiate with respect to (`watch(_:)`); every operation
/// on them (or on anything derived from them) is recorded. `gradients(of:wrt:)`
/// then walks the records backwards. Weights and other constants are never recorded,
/// so only the work on the path from watched inputs to the output is differentiated.
///
/// Backward rules are written with `Tensor` operations themselves. By default
/// recording is paused while the backward pass runs (first order, fused kernels);
/// with `createGraph: true` the backward pass is itself recorded, so gradients can be
/// differentiated again (force-matching losses, Hessian–vector products). A tape is
/// not thread-safe: record on one thread (kernels parallelise internally).
public final class Tape {
    /// Maps the gradient of an op's output to gradients of its inputs. The flags say
    /// which inputs need one; entries for the others may be `nil`.
    typealias Backward = (_ gradient: Tensor, _ needed: [Bool]) -> [Tensor?]

    struct Entry {
        let shape: [Int]
        let inputs: [Int?]
        let backward: Backward?
    }

    private(set) var entries: [Entry] = []
    /// False while a backward pass runs, so its operations are not recorded.
    var isRecording = true

    public init() {}

    /// Number of recorded tensors (watched inputs plus derived values).
    public var recordedCount: Int { entries.count }

    /// `tensor` as an input of this tape: gradients with respect to the returned
    /// tensor can be requested.
    public func watch(_ tensor: Tensor) -> Tensor {
        var leaf = tensor.detached()
        leaf.node = TapeNode(tape: self, index: append(Entry(shape: tensor.shape, inputs: [], backward: nil)))
        return leaf
    }

    func append(_ entry: Entry) -> Int {
        entries.append(entry)
        return entries.count - 1
    }

    /// Gradients of `output` with respect to each tensor of `inputs` (same shapes and
    /// dtypes as the inputs; zeros where `output` does not depend on an input).
    ///
    /// `output` must hold one element unless `seed` is given, in which case the result
    /// is the vector–Jacobian product `seedᵀ·∂output/∂input`. With `createGraph` the
    /// returned gradients are themselves recorded on this tape (second order).
    public func gradients(
        of output: Tensor, wrt inputs: [Tensor], seed: Tensor? = nil, createGraph: Bool = false
    ) -> [Tensor] {
        let seedTensor: Tensor
        if let seed {
            precondition(
                seed.shape == output.shape && seed.dtype == output.dtype,
                "Tape.gradients: seed \(seed.shape) \(seed.dtype) must match output \(output.shape) \(output.dtype)")
            seedTensor = seed.detached()
        } else {
            precondition(
                output.count == 1,
                "Tape.gradients: output of shape \(output.shape) is not a scalar; pass a seed")
            seedTensor = Tensor.ones(output.shape, dtype: output.dtype)
        }
        let targets: [Int?] = inputs.map { input in
            guard let node = input.node, node.tape === self else { return nil }
            return node.index
        }
        guard let outputNode = output.node, outputNode.tape === self else {
            return inputs.map { Tensor.zeros($0.shape, dtype: $0.dtype) }
        }

        let wasRecording = isRecording
        isRecording = createGraph
        defer { isRecording = wasRecording }

        var keep = [Bool](repeating: false, count: outputNode.index + 1)
        for case let target? in targets where target <= outputNode.index { keep[target] = true }
        var grads = [Tensor?](repeating: nil, count: outputNode.index + 1)
        grads[outputNode.index] = seedTensor

        for index in stride(from: outputNode.index, through: 0, by: -1) {
            guard let gradient = grads[index] else { continue }
            let entry = entries[index]
            if !keep[index] { grads[index] = nil }
            guard let backward = entry.backward else { continue }
            let needed = entry.inputs.map { $0 != nil }
            let inputGrads = backward(gradient, needed)
            for (slot, input) in entry.inputs.enumerated() {
                guard let input, let g = inputGrads[slot] else { continue }
                precondition(
                    g.shape == entries[input].shape,
                    "Tape: backward rule produced gradient \(g.shape) for input of shape \(entries[input].shape)")
                if let existing = grads[input] {
                    grads[input] = existing + g
                } else {
                    grads[input] = createGraph ? g : g.detached()
                }
            }
        }
        return zip(inputs, targets).map { input, target in
            guard let target, target <= outputNode.index, let g = grads[target] else {
                return Tensor.zeros(input.shape, dtype: input.dtype)
            }
            return g
        }
    }
}

extension Tensor {
    /// Whether an operation on `tensors` is being recorded right now — inside a
    /// `createGraph` backward pass, backward rules then use differentiable compositions
    /// instead of fused first-order kernels.
    static func isRecording(_ tensors: [Tensor]) -> Bool {
        tensors.contains { $0.node?.tape?.isRecording == true }
    }

    /// Records `value`, computed from `inputs`, on the tape of any tracked input.
    /// Untracked inputs get no gradient; if no input is tracked, `value` is returned as is.
    static func record(_ value: Tensor, inputs: [Tensor], backward: @escaping Tape.Backward) -> Tensor {
        var tape: Tape?
        for input in inputs {
            guard let t = input.node?.tape, t.isRecording else { continue }
            if let tape {
                precondition(tape === t, "Tensor: operands are recorded on two different tapes")
            } else {
                tape = t
            }
        }
        guard let tape else { return value }
        let ids: [Int?] = inputs.map { input in
            guard let node = input.node, node.tape === tape else { return nil }
            return node.index
        }
        var result = value
        result.node = TapeNode(
            tape: tape, index: tape.append(Tape.Entry(shape: value.shape, inputs: ids, backward: backward)))
        return result
    }
}
