import Crystal
import Foundation
import Tensor

/// Named tensors laid end to end in one flat vector, the form the optimiser, the moving average and
/// the checkpoint file work on.
struct ParameterLayout: Sendable {
    struct Slot: Sendable {
        let name: String, shape: [Int], offset: Int
        /// PyTorch's default initialisation bound 1/√fan-in, or a constant (layer-norm γ and β).
        let fanIn: Int?, constant: Float
        var count: Int { shape.reduce(1, *) }
        var range: Range<Int> { offset..<(offset + count) }
    }

    private(set) var slots: [Slot] = []
    var count: Int { slots.last.map { $0.offset + $0.count } ?? 0 }

    mutating func add(_ name: String, _ shape: [Int], fanIn: Int) {
        slots.append(Slot(name: name, shape: shape, offset: count, fanIn: fanIn, constant: 0))
    }

    mutating func add(_ name: String, _ shape: [Int], constant: Float) {
        slots.append(Slot(name: name, shape: shape, offset: count, fanIn: nil, constant: constant))
    }

    /// PyTorch-style initial values: U(−1/√fan-in, 1/√fan-in) for linear weights and biases.
    func initialValues(rng: inout SeededGenerator) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        for s in slots {
            for k in s.range {
                if let fanIn = s.fanIn {
                    let bound = 1 / Double(fanIn).squareRoot()
                    values[k] = Float(Double.random(in: -bound...bound, using: &rng))
                } else {
                    values[k] = s.constant
                }
            }
        }
        return values
    }

    /// The parameters as tensors by name, each watched on `tape` when one is given.
    func tensors(_ values: [Float], tape: Tape? = nil) -> [String: Tensor] {
        precondition(values.count == count, "ParameterLayout: \(values.count) values for \(count) parameters")
        var out: [String: Tensor] = [:]
        for s in slots {
            let t = Tensor(shape: s.shape, scalars: Array(values[s.range]))
            out[s.name] = tape.map { $0.watch(t) } ?? t
        }
        return out
    }

    /// Gradients by name back into one flat vector in layout order.
    func flatten(_ gradients: [String: Tensor]) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        for s in slots {
            guard let g = gradients[s.name] else { continue }
            out.replaceSubrange(s.range, with: g.floats)
        }
        return out
    }
}
