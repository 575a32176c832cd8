import Crystal
import Foundation
import Learning

/// A small fully connected network (tanh hidden layers, linear output) with hand-written
/// backpropagation and the Adam optimiser: the policy and Q-networks of the RL composition agents.
struct RLNetwork: Sendable {
    /// Layer widths, input first.
    let sizes: [Int]
    /// Every weight matrix (out × in, row-major) followed by its bias, layer by layer.
    private(set) var parameters: [Double]
    private var optimiser: AdamW<Double>

    /// Xavier-uniform weights, zero biases.
    init(sizes: [Int], rng: inout SeededGenerator) {
        self.sizes = sizes
        var p: [Double] = []
        for l in 0..<(sizes.count - 1) {
            let limit = (6.0 / Double(sizes[l] + sizes[l + 1])).squareRoot()
            p += (0..<(sizes[l] * sizes[l + 1])).map { _ in Double.random(in: -limit...limit, using: &rng) }
            p += [Double](repeating: 0, count: sizes[l + 1])
        }
        parameters = p
        optimiser = AdamW(count: p.count)
    }

    var outputCount: Int { sizes[sizes.count - 1] }

    /// Every layer's activations for one input, the input first and the output last.
    func activations(_ x: [Double]) -> [[Double]] {
        var out = [x]
        var offset = 0
        parameters.withUnsafeBufferPointer { p in
            for l in 0..<(sizes.count - 1) {
                let n = sizes[l], m = sizes[l + 1], a = out[l]
                var z = [Double](repeating: 0, count: m)
                for i in 0..<m {
                    var s = p[offset + m * n + i]
                    let row = offset + i * n
                    for j in 0..<n { s += p[row + j] * a[j] }
                    z[i] = l < sizes.count - 2 ? tanh(s) : s
                }
                out.append(z)
                offset += m * n + m
            }
        }
        return out
    }

    /// The output for one input.
    func callAsFunction(_ x: [Double]) -> [Double] { activations(x).last! }

    /// Adds the gradient of `dOutput · output` with respect to the parameters to `gradient`, for
    /// the input whose `activations` are given.
    func accumulate(_ activations: [[Double]], dOutput: [Double], into gradient: inout [Double]) {
        var offsets: [Int] = [0]
        for l in 0..<(sizes.count - 1) { offsets.append(offsets[l] + sizes[l] * sizes[l + 1] + sizes[l + 1]) }
        var delta = dOutput
        parameters.withUnsafeBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { g in
                for l in stride(from: sizes.count - 2, through: 0, by: -1) {
                    let n = sizes[l], m = sizes[l + 1], o = offsets[l], a = activations[l]
                    var back = [Double](repeating: 0, count: n)
                    for i in 0..<m where delta[i] != 0 {
                        let d = delta[i], row = o + i * n
                        g[o + m * n + i] += d
                        for j in 0..<n {
                            g[row + j] += d * a[j]
                            back[j] += d * p[row + j]
                        }
                    }
                    if l > 0 { delta = (0..<n).map { back[$0] * (1 - a[$0] * a[$0]) } }
                }
            }
        }
    }

    /// One Adam step down `gradient` (β 0.9 / 0.999).
    mutating func step(_ gradient: [Double], learningRate: Double) {
        optimiser.step(&parameters, gradient: gradient, learningRate: learningRate)
    }

    var zeroGradient: [Double] { [Double](repeating: 0, count: parameters.count) }
}

/// Sampling helpers shared by the agents.
enum RLSampling {
    /// Softmax of `logits / temperature` over the allowed entries (0 elsewhere).
    static func softmax(_ logits: [Double], mask: [Bool], temperature: Double = 1) -> [Double] {
        let top = zip(logits, mask).filter(\.1).map(\.0).max() ?? 0
        var p = zip(logits, mask).map { $1 ? exp(($0 - top) / temperature) : 0 }
        let total = p.reduce(0, +)
        for i in p.indices { p[i] /= total }
        return p
    }

    /// An index drawn with probabilities `p`.
    static func draw(_ p: [Double], rng: inout SeededGenerator) -> Int {
        var u = Double.random(in: 0..<1, using: &rng)
        for (i, x) in p.enumerated() where x > 0 {
            u -= x
            if u < 0 { return i }
        }
        return p.lastIndex { $0 > 0 }!
    }
}
