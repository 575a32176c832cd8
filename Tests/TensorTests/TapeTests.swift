import Tensor
import XCTest

final class TapeTests: XCTestCase {
    var random = TestRandom(seed: 3)

    func testOnlyWatchedTensorsAreTracked() {
        let tape = Tape()
        let weight = random.tensor([3, 3])
        let x = tape.watch(random.tensor([2, 3]))
        XCTAssertTrue(x.isTracked)
        XCTAssertFalse(weight.silu().isTracked)
        let y = x.matmul(weight).silu()
        XCTAssertTrue(y.isTracked)
        XCTAssertFalse(y.detached().isTracked)
        XCTAssertEqual(tape.recordedCount, 3)
    }

    func testUnrelatedInputGetsZerosAndReuseAccumulates() {
        let tape = Tape()
        let a = tape.watch(Tensor(shape: [2], scalars: [1, 2] as [Double]))
        let b = tape.watch(Tensor(shape: [2], scalars: [5, 6] as [Double]))
        let y = (a * a + a * 3).sum()
        let grads = tape.gradients(of: y, wrt: [a, b])
        XCTAssertEqual(grads[0].doubles, [5, 7])
        XCTAssertEqual(grads[1].doubles, [0, 0])
        // A second backward pass over the same tape gives the same answer.
        XCTAssertEqual(tape.gradients(of: y, wrt: [a])[0].doubles, [5, 7])
    }

    func testSeedGivesVectorJacobianProduct() {
        let tape = Tape()
        let x = tape.watch(Tensor(shape: [3], scalars: [1, 2, 3] as [Double]))
        let y = x.squared()
        let seed = Tensor(shape: [3], scalars: [1, 0, -1] as [Double])
        XCTAssertEqual(tape.gradients(of: y, wrt: [x], seed: seed)[0].doubles, [2, 0, -6])
    }

    func testTensorsOutliveTheirTape() {
        var x = Tensor.ones([2])
        do {
            let tape = Tape()
            x = tape.watch(x) * 2
            XCTAssertTrue(x.isTracked)
        }
        XCTAssertFalse(x.isTracked)
        XCTAssertEqual((x + 1).floats, [3, 3])
    }

    /// A CHGNet-like block in float32 agrees with the float64 gradient.
    func testFloat32GradientsAgreeWithFloat64() {
        let n = 40, e = 300, d = 16
        var rng = TestRandom(seed: 5)
        let src = (0..<e).map { _ in Int(rng.next() * Double(n)) }
        let dst = (0..<e).map { _ in Int(rng.next() * Double(n)) }
        let w1 = random.tensor([d, 2 * d]), b1 = random.tensor([d]), gamma = random.tensor([d]), beta = random.tensor([d])
        let h0 = random.tensor([n, d])
        func energy(_ h: Tensor, _ params: [Tensor]) -> Tensor {
            let pair = Tensor.concat([h.gather(rows: src), h.gather(rows: dst)], axis: 1)
            let z = pair.linear(weight: params[0], bias: params[1]).layerNorm(gamma: params[2], beta: params[3])
            let message = z.silu() * z.sigmoid()
            return (h + message.scatterAdd(rows: dst, count: n)).softplus().sum()
        }
        func gradient(_ dtype: DType) -> [Double] {
            let tape = Tape()
            let h = tape.watch(h0.cast(to: dtype))
            return tape.gradients(of: energy(h, [w1, b1, gamma, beta].map { $0.cast(to: dtype) }), wrt: [h])[0].doubles
        }
        let g64 = gradient(.float64), g32 = gradient(.float32)
        let scale = g64.map(Swift.abs).max()!
        let worst = zip(g64, g32).map { Swift.abs($0 - $1) }.max()!
        XCTAssertLessThan(worst / scale, 1e-5, "float32 gradient deviates from float64")
    }

    func testBLASRuntime() {
        XCTAssertFalse(BLASRuntime.coreName.isEmpty)
        XCTAssertEqual(BLASRuntime.recommendedCoreType(cpuFlags: ["avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl"]), "SkylakeX")
        XCTAssertEqual(BLASRuntime.recommendedCoreType(cpuFlags: ["avx2", "fma", "avx512f"]), "Haswell")
        XCTAssertNil(BLASRuntime.recommendedCoreType(cpuFlags: ["sse2"]))
    }
}

/// Gradients through the split GEMM paths (rows for dx, inner extent for dW) against
/// explicit sums, plus the allocator switch.
final class LargeGradientTests: XCTestCase {
    func testLinearGradientsThroughSplitGEMMs() {
        var random = TestRandom(seed: 11)
        let (rows, features, outputs) = (2100, 64, 8)
        let x0 = random.tensor([rows, features]), w0 = random.tensor([outputs, features])
        let seed = random.tensor([rows, outputs])
        let tape = Tape()
        let x = tape.watch(x0), w = tape.watch(w0)
        let grads = tape.gradients(of: x.linear(weight: w), wrt: [x, w], seed: seed)
        let (xv, wv, gv) = (x0.doubles, w0.doubles, seed.doubles)
        var dx = [Double](repeating: 0, count: rows * features)
        var dw = [Double](repeating: 0, count: outputs * features)
        for i in 0..<rows {
            for o in 0..<outputs {
                let g = gv[i * outputs + o]
                for f in 0..<features {
                    dx[i * features + f] += g * wv[o * features + f]
                    dw[o * features + f] += g * xv[i * features + f]
                }
            }
        }
        let worstX = zip(grads[0].doubles, dx).map { Swift.abs($0 - $1) }.max()!
        let worstW = zip(grads[1].doubles, dw).map { Swift.abs($0 - $1) }.max()!
        XCTAssertLessThan(worstX, 1e-11, "dx")
        XCTAssertLessThan(worstW, 1e-9, "dW")
    }

    func testRetainLargeAllocations() {
        XCTAssertTrue(MemoryTuning.retainLargeAllocations())
        XCTAssertEqual(Tensor.ones([1 << 23]).sum().item, Double(1 << 23))
    }
}
