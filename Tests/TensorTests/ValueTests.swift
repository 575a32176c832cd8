import Tensor
import XCTest

/// Forward values against hand-computed or naive reference results.
final class ValueTests: XCTestCase {
    var random = TestRandom(seed: 1)

    func assertClose(_ a: [Double], _ b: [Double], _ tolerance: Double, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "\(what): element count", file: file, line: line)
        let bad = zip(a, b).enumerated().filter { Swift.abs($0.element.0 - $0.element.1) > tolerance * Swift.max(1, Swift.abs($0.element.1)) }
        XCTAssert(bad.isEmpty, "\(what): \(bad.count) mismatches, first at \(bad.first.map { "\($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "")",
                  file: file, line: line)
    }

    func testBroadcastingRules() throws {
        XCTAssertEqual(try Tensor.broadcastShape([2, 3], [3]), [2, 3])
        XCTAssertEqual(try Tensor.broadcastShape([3, 1], [1, 4]), [3, 4])
        XCTAssertEqual(try Tensor.broadcastShape([], [2, 2]), [2, 2])
        XCTAssertEqual(try Tensor.broadcastShape([5, 1, 3], [4, 1]), [5, 4, 3])
        XCTAssertThrowsError(try Tensor.broadcastShape([2, 3], [4])) { error in
            XCTAssertEqual(error as? TensorError, .incompatibleShapes([2, 3], [4]))
        }
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6] as [Double])
        XCTAssertEqual((a + Tensor(shape: [3], scalars: [10, 20, 30] as [Double])).doubles, [11, 22, 33, 14, 25, 36])
        XCTAssertEqual((a * Tensor(shape: [2, 1], scalars: [2, 3] as [Double])).doubles, [2, 4, 6, 12, 15, 18])
        let outer = Tensor(shape: [3, 1], scalars: [1, 2, 3] as [Float]) * Tensor(shape: [1, 2], scalars: [1, 10] as [Float])
        XCTAssertEqual(outer.shape, [3, 2])
        XCTAssertEqual(outer.floats, [1, 10, 2, 20, 3, 30])
        XCTAssertEqual((a - 1).doubles, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual((12 / a).doubles, [12, 6, 4, 3, 2.4, 2])
    }

    func testLargeBroadcastMatchesNaive() {
        // Big enough (> 2 × 32768 elements) to take the parallel paths.
        let x = random.tensor([1100, 64]).cast(to: .float32), row = random.tensor([64]).cast(to: .float32)
        let col = random.tensor([1100, 1]).cast(to: .float32)
        let xv = x.floats, rv = row.floats, cv = col.floats
        let sum = (x + row).floats, prod = (x * col).floats, same = (x / (x * x + 1)).floats
        var expectedSum: [Float] = [], expectedProd: [Float] = [], expectedSame: [Float] = []
        for i in 0..<1100 {
            for j in 0..<64 {
                let v = xv[i * 64 + j]
                expectedSum.append(v + rv[j])
                expectedProd.append(v * cv[i])
                expectedSame.append(v / (v * v + 1))
            }
        }
        XCTAssertEqual(sum, expectedSum)
        XCTAssertEqual(prod, expectedProd)
        XCTAssertEqual(same, expectedSame)
    }

    func testActivations() {
        let x = Tensor(shape: [5], scalars: [-30, -1, 0, 1, 30] as [Double])
        let sig = x.doubles.map { 1 / (1 + Foundation.exp(-$0)) }
        assertClose(x.sigmoid().doubles, sig, 1e-15, "sigmoid")
        assertClose(x.silu().doubles, zip(x.doubles, sig).map { $0 * $1 }, 1e-15, "silu")
        assertClose(x.softplus().doubles, [Foundation.log1p(Foundation.exp(-30)), Foundation.log1p(Foundation.exp(-1)),
                                           Foundation.log(2), Foundation.log1p(Foundation.exp(1)), 30], 1e-15, "softplus")
        assertClose(x.gelu().doubles, [0, -0.15865525393145707, 0, 0.8413447460685429, 30], 1e-14, "gelu")
        assertClose(x.tanh().doubles, x.doubles.map(Foundation.tanh), 1e-15, "tanh")
        assertClose(x.relu().doubles, [0, 0, 0, 1, 30], 0, "relu")
        let f = Tensor(shape: [3], scalars: [-2, 0.5, 4] as [Float])
        XCTAssertEqual(f.abs().floats, [2, 0.5, 4])
        XCTAssertEqual(f.squared().floats, [4, 0.25, 16])
        XCTAssertEqual(f.pow(3).floats, [-8, 0.125, 64])
        assertClose(f.exp().doubles, [-2, 0.5, 4].map(Foundation.exp), 1e-6, "exp float32")
    }

    func testReductionsAccumulateInDouble() {
        let ones = Tensor.ones([1 << 24 + 8])
        XCTAssertEqual(ones.sum().item, Double(1 << 24 + 8), "float32 sum must not stall at 2^24")
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6] as [Double])
        XCTAssertEqual(x.sum(axis: 0).doubles, [5, 7, 9])
        XCTAssertEqual(x.sum(axis: 1).doubles, [6, 15])
        XCTAssertEqual(x.sum(axis: -1, keepingDims: true).shape, [2, 1])
        XCTAssertEqual(x.mean(axis: 0).doubles, [2.5, 3.5, 4.5])
        XCTAssertEqual(x.mean().item, 3.5)
        XCTAssertEqual(x.sum().shape, [])
    }

    func testShapeOperations() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6] as [Float])
        XCTAssertEqual(x.transposed().floats, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(x.reshaped(to: [3, -1]).shape, [3, 2])
        XCTAssertEqual(x.slice(axis: 1, 1..<3).floats, [2, 3, 5, 6])
        XCTAssertEqual(x.padded(axis: 0, before: 1, after: 0).floats, [0, 0, 0, 1, 2, 3, 4, 5, 6])
        XCTAssertEqual(Tensor.concat([x, x.slice(axis: 1, 0..<1)], axis: 1).floats, [1, 2, 3, 1, 4, 5, 6, 4])
        XCTAssertEqual(Tensor.concat([x, x], axis: 0).shape, [4, 3])
        XCTAssertEqual(x.expanded(to: [2, 2, 3]).floats, [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6])
        let big = random.tensor([1000, 500])
        let bigT = big.transposed()
        XCTAssertEqual(bigT.transposed().doubles, big.doubles)
        XCTAssertEqual(bigT.doubles[7 * 1000 + 999], big.doubles[999 * 500 + 7])
        let cube = random.tensor([3, 4, 5])
        let p = cube.permuted([1, 2, 0])
        XCTAssertEqual(p.shape, [4, 5, 3])
        let c = cube.doubles, pv = p.doubles
        for i in 0..<3 { for j in 0..<4 { for k in 0..<5 { XCTAssertEqual(pv[(j * 5 + k) * 3 + i], c[(i * 4 + j) * 5 + k]) } } }
        XCTAssertEqual(Tensor.select([true, false, true], Tensor.ones([3]), Tensor.zeros([3])).floats, [1, 0, 1])
        XCTAssertEqual(x.cast(to: .float64).dtype, .float64)
    }

    func naiveMatmul(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for l in 0..<k { c[i * n + j] += a[i * k + l] * b[l * n + j] } } }
        return c
    }

    func testMatmulAndLinearMatchNaive() {
        // Sizes cover the single call, the row split (300×64×64) and the inner split (8×2000×9).
        for (m, k, n) in [(1, 1, 1), (7, 5, 3), (300, 64, 64), (33, 128, 17), (8, 2000, 70)] {
            let a = random.tensor([m, k]), b = random.tensor([k, n])
            let expected = naiveMatmul(a.doubles, b.doubles, m: m, k: k, n: n)
            assertClose(a.matmul(b).doubles, expected, 1e-12, "dgemm \(m)x\(k)x\(n)")
            assertClose(a.cast(to: .float32).matmul(b.cast(to: .float32)).doubles, expected, 1e-4 * Double(k).squareRoot(), "sgemm \(m)x\(k)x\(n)")
            assertClose(a.transposed().matmul(b, transposeA: true).doubles, expected, 1e-12, "Aᵀ")
            assertClose(a.matmul(b.transposed(), transposeB: true).doubles, expected, 1e-12, "Bᵀ")
            assertClose(a.transposed().matmul(b.transposed(), transposeA: true, transposeB: true).doubles, expected, 1e-12, "AᵀBᵀ")
            let bias = random.tensor([n])
            let lin = a.linear(weight: b.transposed(), bias: bias).doubles
            let withBias = expected.enumerated().map { $0.element + bias.doubles[$0.offset % n] }
            assertClose(lin, withBias, 1e-12, "linear \(m)x\(k)x\(n)")
        }
        XCTAssertEqual(Tensor.zeros([0, 4]).matmul(Tensor.ones([4, 3])).shape, [0, 3])
        XCTAssertEqual(Tensor.ones([2, 0]).matmul(Tensor.ones([0, 3])).floats, [0, 0, 0, 0, 0, 0])
    }

    func testGatherScatterMatchNaive() {
        // 4000 rows × 64 takes the parallel column-band path.
        let (n, e, w) = (500, 4000, 64)
        var rng = TestRandom(seed: 9)
        let owners = (0..<e).map { _ in Int(rng.next() * Double(n)) }
        let messages = random.tensor([e, w]).cast(to: .float32)
        let summed = messages.scatterAdd(rows: owners, count: n).floats
        var expected = [Float](repeating: 0, count: n * w)
        let mv = messages.floats
        for (i, o) in owners.enumerated() { for j in 0..<w { expected[o * w + j] += mv[i * w + j] } }
        XCTAssertEqual(summed, expected)
        let gathered = Tensor(shape: [n, w], scalars: expected).gather(rows: owners).floats
        for (i, o) in owners.enumerated() { XCTAssertEqual(gathered[i * w + 5], expected[o * w + 5]) }
        let mean = Tensor(shape: [3, 1], scalars: [1, 2, 6] as [Double]).segmentMean(rows: [0, 0, 2], count: 4)
        XCTAssertEqual(mean.doubles, [1.5, 0, 6, 0])
    }

    func testLayerNormMatchesDefinition() {
        let x = random.tensor([9, 64], in: -3...5)
        let gamma = random.tensor([64]), beta = random.tensor([64])
        let y = x.layerNorm(gamma: gamma, beta: beta).doubles
        let xv = x.doubles, g = gamma.doubles, b = beta.doubles
        var expected: [Double] = []
        for r in 0..<9 {
            let row = Array(xv[(r * 64)..<(r * 64 + 64)])
            let mean = row.reduce(0, +) / 64
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 64
            for j in 0..<64 { expected.append((row[j] - mean) / (variance + 1e-5).squareRoot() * g[j] + b[j]) }
        }
        assertClose(y, expected, 1e-12, "layerNorm float64")
        // A large common offset must not cost accuracy (no E[x²] − mean² cancellation).
        assertClose((x + 1e6).layerNorm(gamma: gamma, beta: beta).doubles, expected, 1e-9, "layerNorm offset")
        // Many rows (parallel split): float32 rows agree with float64 ones.
        let many = random.tensor([3000, 64], in: -2...4)
        assertClose(many.cast(to: .float32).layerNorm().doubles, many.layerNorm().doubles, 1e-5, "layerNorm parallel")
        let normalized = many.layerNorm().doubles
        for r in [0, 1499, 2999] {
            let row = Array(normalized[(r * 64)..<(r * 64 + 64)])
            XCTAssertEqual(row.reduce(0, +) / 64, 0, accuracy: 1e-12, "row \(r) mean")
            XCTAssertEqual(row.map { $0 * $0 }.reduce(0, +) / 64, 1, accuracy: 1e-4, "row \(r) variance (ε = 1e-5)")
        }
        assertClose(x.cast(to: .float32).layerNorm(gamma: gamma.cast(to: .float32), beta: beta.cast(to: .float32)).doubles,
                    expected, 1e-5, "layerNorm float32")
    }
}

/// The vectorised float32 exp/sigmoid/SiLU paths against float64 references.
final class FastMathTests: XCTestCase {
    func testFloat32ExpFamilyAccuracy() {
        // A sweep over [-100, 100], long enough for the parallel split, with a ragged
        // tail (count not a multiple of 8).
        let xs = (0..<70_003).map { -100 + 200 * Double($0) / 70_002 }
        let x32 = Tensor(shape: [xs.count], scalars: xs.map { Float($0) })
        let x64 = x32.cast(to: .float64)
        func worst(_ f: (Tensor) -> Tensor, range: ClosedRange<Double>) -> Double {
            zip(zip(f(x32).doubles, f(x64).doubles), x64.doubles).filter { range.contains($0.1) }
                .map { pair, _ in Swift.abs(pair.0 - pair.1) / Swift.max(Swift.abs(pair.1), 1e-30) }.max()!
        }
        XCTAssertLessThan(worst({ $0.exp() }, range: -87...87), 4e-7, "exp")
        XCTAssert(Tensor(shape: [1], scalars: [Float.nan]).exp().floats[0].isNaN, "exp(NaN)")
        XCTAssert(Tensor(shape: [1], scalars: [Float.nan]).sigmoid().floats[0].isNaN, "sigmoid(NaN)")
        XCTAssertLessThan(worst({ $0.sigmoid() }, range: -80...100), 4e-7, "sigmoid")
        XCTAssertLessThan(worst({ $0.silu() }, range: -80...100), 4e-7, "silu")
        XCTAssertEqual(Tensor(shape: [3], scalars: [-1000, 0, 1000] as [Float]).sigmoid().floats[1], 0.5)
        let extremes = Tensor(shape: [4], scalars: [-1000, 1000, -.infinity, .infinity] as [Float])
        XCTAssert(extremes.sigmoid().floats.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
        XCTAssertEqual(extremes.silu().floats[1], 1000)
        XCTAssertLessThan(Swift.abs(extremes.silu().floats[0]), 1e-30)

        // Derivatives through the tape, float32 vs float64.
        for (name, f) in [("exp", { (t: Tensor) in t.exp() }), ("sigmoid", { $0.sigmoid() }),
                          ("silu", { $0.silu() }), ("softplus", { $0.softplus() })] as [(String, (Tensor) -> Tensor)] {
            let sample = Tensor(shape: [1001], scalars: (0..<1001).map { Float(-30 + 60 * Double($0) / 1000) })
            func grad(_ t: Tensor) -> [Double] {
                let tape = Tape()
                let w = tape.watch(t)
                return tape.gradients(of: f(w).sum(), wrt: [w])[0].doubles
            }
            let g32 = grad(sample), g64 = grad(sample.cast(to: .float64))
            let bad = zip(g32, g64).filter { Swift.abs($0 - $1) > 1e-6 * Swift.max(1, Swift.abs($1)) }
            XCTAssert(bad.isEmpty, "\(name) derivative: \(bad.count) float32 values off, first \(String(describing: bad.first))")
        }
    }
}

/// Zero-sized tensors (no edges, no atoms) go through every op without trapping.
final class EmptyTensorTests: XCTestCase {
    func testEmptyTensors() {
        let tape = Tape()
        let h = tape.watch(Tensor.zeros([0, 4]))
        let atoms = tape.watch(Tensor.ones([2, 4]))
        let edges = atoms.gather(rows: [])
        XCTAssertEqual(edges.shape, [0, 4])
        let messages = (edges * h + 1).silu().layerNorm().linear(weight: Tensor.ones([3, 4]), bias: Tensor.ones([3]))
        XCTAssertEqual(messages.shape, [0, 3])
        let summed = messages.scatterAdd(rows: [], count: 2)
        XCTAssertEqual(summed.floats, [0, 0, 0, 0, 0, 0])
        let total = Tensor.concat([summed.sum(axis: 1), Tensor.concat([h, h], axis: 0).sum(axis: 1)], axis: 0).sum()
        XCTAssertEqual(total.item, 0)
        let grads = tape.gradients(of: total, wrt: [h, atoms])
        XCTAssertEqual(grads[0].shape, [0, 4])
        XCTAssertEqual(grads[1].floats, [Float](repeating: 0, count: 8))
        XCTAssertEqual(h.transposed().shape, [4, 0])
        XCTAssertEqual(h.expanded(to: [2, 0, 4]).count, 0)
    }
}
