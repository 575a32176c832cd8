import Tensor
import XCTest

/// Every differentiable operation checked against central finite differences (float64).
final class GradientTests: XCTestCase {
    var random = TestRandom(seed: 42)

    func testBinaryArithmeticWithBroadcasting() {
        let shapes: [([Int], [Int])] = [([3, 4], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]), ([3, 4], [])]
        for (sa, sb) in shapes {
            let a = random.tensor(sa), b = random.tensor(sb, in: 0.5...2)
            assertGradients("add \(sa) \(sb)", [a, b]) { $0[0] + $0[1] }
            assertGradients("sub \(sa) \(sb)", [a, b]) { $0[0] - $0[1] }
            assertGradients("sub \(sb) \(sa)", [b, a]) { $0[0] - $0[1] }
            assertGradients("mul \(sa) \(sb)", [a, b]) { $0[0] * $0[1] }
            assertGradients("div \(sa) \(sb)", [a, b]) { $0[0] / $0[1] }
            assertGradients("div \(sb) \(sa)", [b, a + 3]) { $0[0] / $0[1] }
        }
    }

    func testScalarArithmetic() {
        let a = random.tensor([3, 5], in: 0.5...2)
        assertGradients("x+s, s+x", [a]) { ($0[0] + 2) * (3 + $0[0]) }
        assertGradients("x-s, s-x", [a]) { ($0[0] - 2) * (3 - $0[0]) }
        assertGradients("x*s, s*x", [a]) { ($0[0] * 2) * (3 * $0[0]) }
        assertGradients("x/s, s/x", [a]) { ($0[0] / 2) * (3 / $0[0]) }
        assertGradients("neg", [a]) { -$0[0] * $0[0] }
    }

    func testUnaryFunctions() {
        let x = random.tensor([4, 6], in: -3...3)
        let positive = random.tensor([4, 6], in: 0.2...3)
        let unit = random.tensor([4, 6], in: -0.9...0.9)
        let cases: [(String, Tensor, (Tensor) -> Tensor)] = [
            ("exp", x, { $0.exp() }), ("log", positive, { $0.log() }), ("sin", x, { $0.sin() }),
            ("cos", x, { $0.cos() }), ("acos", unit, { $0.acos() }), ("sqrt", positive, { $0.sqrt() }),
            ("pow 2.5", positive, { $0.pow(2.5) }), ("pow -1", positive, { $0.pow(-1) }),
            ("pow 3 (negative base)", x, { $0.pow(3) }), ("squared", x, { $0.squared() }),
            ("tanh", x, { $0.tanh() }), ("abs", x, { $0.abs() }), ("relu", x, { $0.relu() }),
            ("sigmoid", x, { $0.sigmoid() }), ("silu", x, { $0.silu() }), ("softplus", x, { $0.softplus() }),
            ("softplus above threshold", x * 10, { $0.softplus() }), ("gelu", x, { $0.gelu() }),
        ]
        for (name, input, f) in cases {
            assertGradients(name, [input]) { f($0[0]) }
        }
    }

    func testReductions() {
        let x = random.tensor([3, 4, 5])
        assertGradients("sum", [x]) { $0[0].sum() }
        assertGradients("mean", [x]) { $0[0].mean() }
        for axis in [0, 1, 2, -1] {
            assertGradients("sum axis \(axis)", [x]) { $0[0].sum(axis: axis) }
            assertGradients("mean axis \(axis) keep", [x]) { $0[0].mean(axis: axis, keepingDims: true) }
        }
        assertGradients("sum to shape", [x]) { $0[0].sum(toShape: [4, 1]) }
    }

    func testShapeOperations() {
        let x = random.tensor([2, 3, 4])
        assertGradients("reshape", [x]) { $0[0].reshaped(to: [6, -1]) * $0[0].reshaped(to: [6, 4]) }
        assertGradients("permute", [x]) { $0[0].permuted([2, 0, 1]) }
        assertGradients("transpose", [x]) { $0[0].transposed() }
        assertGradients("expand", [random.tensor([3, 1])]) { $0[0].expanded(to: [2, 3, 4]) }
        assertGradients("slice", [x]) { $0[0].slice(axis: 1, 1..<3) }
        assertGradients("pad", [x]) { $0[0].padded(axis: 2, before: 1, after: 2) }
        assertGradients("concat", [x, random.tensor([2, 2, 4]), random.tensor([2, 1, 4])]) {
            Tensor.concat($0, axis: 1)
        }
        assertGradients("concat last axis", [x, random.tensor([2, 3, 2])]) { Tensor.concat($0, axis: -1) }
        // The float32 round trip rounds at ~1e-7, so use a wide step (the map is linear).
        assertGradients("cast", [x], tolerance: 1e-4, step: 1e-2) { $0[0].cast(to: .float32).cast(to: .float64) * 1 }
    }

    func testSelect() {
        let a = random.tensor([3, 4]), b = random.tensor([3, 4])
        let mask = (0..<12).map { $0 % 3 == 0 }
        assertGradients("select", [a, b]) { Tensor.select(mask, $0[0], $0[1]) * $0[0] }
    }

    func testMatmulAllTranspositions() {
        for (ta, tb) in [(false, false), (false, true), (true, false), (true, true)] {
            let a = random.tensor(ta ? [4, 3] : [3, 4])
            let b = random.tensor(tb ? [5, 4] : [4, 5])
            assertGradients("matmul tA \(ta) tB \(tb)", [a, b]) { $0[0].matmul($0[1], transposeA: ta, transposeB: tb) }
        }
        assertGradients("batched matmul", [random.tensor([2, 3, 4]), random.tensor([4, 2])]) { $0[0].matmul($0[1]) }
    }

    func testLinear() {
        let x = random.tensor([5, 4]), w = random.tensor([3, 4]), b = random.tensor([3])
        assertGradients("linear", [x, w, b]) { $0[0].linear(weight: $0[1], bias: $0[2]) }
        assertGradients("linear without bias", [x, w]) { $0[0].linear(weight: $0[1]) }
        assertGradients("linear rank 3", [random.tensor([2, 5, 4]), w, b]) { $0[0].linear(weight: $0[1], bias: $0[2]) }
    }

    func testGatherScatter() {
        let x = random.tensor([4, 3])
        let rows = [0, 2, 2, 3, 1, 0, 3]
        assertGradients("gather", [x]) { $0[0].gather(rows: rows) }
        let edges = random.tensor([7, 3])
        assertGradients("scatterAdd", [edges]) { $0[0].scatterAdd(rows: rows, count: 5) }
        assertGradients("segmentMean", [edges]) { $0[0].segmentMean(rows: rows, count: 5) }
        assertGradients("message passing", [x]) { h in
            (h[0].gather(rows: rows) * h[0].gather(rows: rows.reversed())).scatterAdd(rows: rows, count: 4)
        }
    }

    func testNormalization() {
        let x = random.tensor([5, 6], in: -2...2)
        let gamma = random.tensor([6]), beta = random.tensor([6])
        assertGradients("layerNorm", [x, gamma, beta]) { $0[0].layerNorm(gamma: $0[1], beta: $0[2]) }
        assertGradients("layerNorm bare", [x]) { $0[0].layerNorm() }
        assertGradients("layerNorm beta only", [x, beta]) { $0[0].layerNorm(beta: $0[1]) }
        let rows = [0, 0, 1, 1, 1]
        let alpha = random.tensor([6])
        assertGradients("graphNorm", [x, alpha, gamma, beta]) {
            $0[0].graphNorm(rows: rows, count: 2, alpha: $0[1], gamma: $0[2], beta: $0[3])
        }
    }
}
