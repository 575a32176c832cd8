import Tensor
import XCTest

/// Second derivatives through `createGraph` backward passes: the gradient of
/// s(x) = ⟨∇ₓ Σ f(x)·w, v⟩ (a Hessian–vector product) against finite differences of s.
final class SecondOrderTests: XCTestCase {
    var random = TestRandom(seed: 77)

    func assertSecondOrder(
        _ name: String, _ inputs: [Tensor], tolerance: Double = 1e-6, file: StaticString = #filePath,
        line: UInt = #line, _ f: ([Tensor]) -> Tensor
    ) {
        var rng = TestRandom(seed: 5)
        let weights = rng.tensor(f(inputs).shape)
        let directions = inputs.map { rng.tensor($0.shape) }
        func s(_ tape: Tape, _ xs: [Tensor], createGraph: Bool) -> Tensor {
            let grads = tape.gradients(of: (f(xs) * weights).sum(), wrt: xs, createGraph: createGraph)
            return zip(grads, directions).map { ($0 * $1).sum() }.reduce(Tensor(0, dtype: .float64), +)
        }
        let tape = Tape()
        let watched = inputs.map { tape.watch($0) }
        let hv = tape.gradients(of: s(tape, watched, createGraph: true), wrt: watched)

        let h = 1e-5
        var failures: [String] = []
        for (i, input) in inputs.enumerated() {
            let analytic = hv[i].doubles
            for j in 0..<input.count {
                var values = [input.doubles, input.doubles]
                values[0][j] += h
                values[1][j] -= h
                let sides = values.map { v -> Double in
                    var xs = inputs
                    xs[i] = Tensor(shape: input.shape, scalars: v)
                    let t = Tape()
                    return s(t, xs.map { t.watch($0) }, createGraph: false).item
                }
                let numeric = (sides[0] - sides[1]) / (2 * h)
                if Swift.abs(numeric - analytic[j]) > tolerance * Swift.max(1, Swift.abs(numeric)) {
                    failures.append("input \(i) element \(j): tape \(analytic[j]) vs finite difference \(numeric)")
                }
            }
        }
        XCTAssert(failures.isEmpty, "\(name) second-order mismatches:\n" + failures.prefix(8).joined(separator: "\n"),
                  file: file, line: line)
    }

    func testUnaryFunctions() {
        let x = random.tensor([3, 5], in: -3...3)
        let positive = random.tensor([3, 5], in: 0.3...3)
        let unit = random.tensor([3, 5], in: -0.8...0.8)
        let cases: [(String, Tensor, (Tensor) -> Tensor)] = [
            ("exp", x, { $0.exp() }), ("log", positive, { $0.log() }), ("sin", x, { $0.sin() }),
            ("cos", x, { $0.cos() }), ("acos", unit, { $0.acos() }), ("sqrt", positive, { $0.sqrt() }),
            ("pow 2.5", positive, { $0.pow(2.5) }), ("squared", x, { $0.squared() }), ("tanh", x, { $0.tanh() }),
            ("abs", x, { $0.abs() * $0 }), ("relu", x, { $0.relu() * $0 }), ("erf", x, { $0.erf() }),
            ("sigmoid", x, { $0.sigmoid() }), ("silu", x, { $0.silu() }), ("softplus", x, { $0.softplus() }),
            ("gelu", x, { $0.gelu() }), ("reciprocal", positive, { 2 / $0 }), ("affine", x, { (3 - $0) * $0 }),
        ]
        for (name, input, f) in cases {
            assertSecondOrder(name, [input]) { f($0[0]) }
        }
    }

    func testBinaryReductionsAndShapes() {
        let a = random.tensor([3, 4]), b = random.tensor([4], in: 0.5...2)
        assertSecondOrder("mul/div broadcast", [a, b]) { ($0[0] * $0[1]) / ($0[1] + $0[0].squared()) }
        assertSecondOrder("reductions and shapes", [a]) { xs in
            let x = xs[0]
            let y = x.squared().sum(axis: 0, keepingDims: true).expanded(to: [3, 4]) * x
            return Tensor.concat([y.transposed().reshaped(to: [3, 4]), x.slice(axis: 1, 1..<3).padded(axis: 1, before: 0, after: 2)], axis: 0)
                .mean(axis: 1)
        }
        assertSecondOrder("cast and select", [a]) { xs in
            let x = xs[0]
            return Tensor.select((0..<12).map { $0 % 2 == 0 }, x.squared(), x.exp()).cast(to: .float32).cast(to: .float64)
        }
    }

    func testLinearAlgebraGraphsAndNorms() {
        let x = random.tensor([5, 4]), w = random.tensor([3, 4]), bias = random.tensor([3])
        assertSecondOrder("linear silu", [x, w, bias]) { $0[0].linear(weight: $0[1], bias: $0[2]).silu() }
        assertSecondOrder("matmul transposes", [x, w]) { $0[0].matmul($0[1], transposeB: true).tanh().matmul($0[1]) }
        let gamma = random.tensor([4]), beta = random.tensor([4])
        assertSecondOrder("layerNorm", [x, gamma, beta]) { $0[0].layerNorm(gamma: $0[1], beta: $0[2]).sigmoid() }
        let rows = [0, 2, 2, 4, 1, 3, 0]
        assertSecondOrder("gather/scatter", [x]) { h in
            (h[0].gather(rows: rows) * h[0].gather(rows: rows.reversed())).silu().scatterAdd(rows: rows, count: 5)
        }
        assertSecondOrder("graphNorm", [x, gamma]) { $0[0].graphNorm(rows: [0, 0, 1, 1, 1], count: 2, gamma: $0[1]).tanh() }
    }

    /// Force matching: the gradient of Σ F² (F = −∂E/∂positions) with respect to the weights.
    func testForceLossGradientWithRespectToWeights() {
        let positions = random.tensor([4, 3], in: 0...2)
        let w1 = random.tensor([6, 1]), w2 = random.tensor([1, 6])
        let src = [0, 0, 1, 2, 3, 1], dst = [1, 2, 3, 3, 0, 0]
        func forceLoss(_ p: Tensor, _ w1: Tensor, _ w2: Tensor, tape: Tape, createGraph: Bool) -> Tensor {
            let r = (p.gather(rows: dst) - p.gather(rows: src)).squared().sum(axis: 1, keepingDims: true).sqrt()
            let energy = r.linear(weight: w1).silu().linear(weight: w2).sum()
            let forces = -tape.gradients(of: energy, wrt: [p], createGraph: createGraph)[0]
            return forces.squared().sum()
        }
        let tape = Tape()
        let (p, a, b) = (tape.watch(positions), tape.watch(w1), tape.watch(w2))
        let grads = tape.gradients(of: forceLoss(p, a, b, tape: tape, createGraph: true), wrt: [a, b])
        let h = 1e-6
        for (k, weight) in [w1, w2].enumerated() {
            for j in 0..<weight.count {
                var values = [weight.doubles, weight.doubles]
                values[0][j] += h
                values[1][j] -= h
                let sides = values.map { v -> Double in
                    let t = Tape()
                    let changed = Tensor(shape: weight.shape, scalars: v)
                    let (wa, wb) = k == 0 ? (changed, w2) : (w1, changed)
                    return forceLoss(t.watch(positions), wa, wb, tape: t, createGraph: false).item
                }
                let numeric = (sides[0] - sides[1]) / (2 * h)
                XCTAssertEqual(grads[k].doubles[j], numeric, accuracy: 1e-6 * Swift.max(1, Swift.abs(numeric)),
                               "∂ΣF²/∂w\(k + 1)[\(j)]")
            }
        }
    }
}
