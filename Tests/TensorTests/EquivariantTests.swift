import KilnTestSupport
import Tensor
import XCTest

/// The equivariant blocks: Wigner 3j symbols and spherical harmonics against e3nn 0.6.0
/// (Tests/Fixtures/e3nn.json.gz, scripts/e3nn_reference.py), rotation equivariance of every
/// block under a random rotation (the representation matrices D^l(R) are fitted from the
/// harmonics of rotated vectors), and gradients against finite differences.
final class EquivariantTests: XCTestCase {
    func testWigner3jMatchesE3nn() throws {
        let fixture = try XCTUnwrap(try Fixtures.json("e3nn") as? [String: Any])
        let symbols = try XCTUnwrap(fixture["wigner_3j"] as? [String: [Double]])
        XCTAssertEqual(symbols.count, 34)
        for (key, expected) in symbols {
            let l = key.split(separator: ",").map { Int($0)! }
            let ours = Wigner3j.coefficients(l[0], l[1], l[2])
            XCTAssertEqual(ours.count, expected.count, key)
            let worst = zip(ours, expected).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-12, "Wigner 3j \(key)")
        }
        XCTAssertEqual(Wigner3j.coefficients(1, 1, 3).allSatisfy { $0 == 0 }, true, "triangle rule")
    }

    func testSphericalHarmonicsMatchE3nn() throws {
        let fixture = try XCTUnwrap(try Fixtures.json("e3nn") as? [String: Any])
        let vectors = try XCTUnwrap(fixture["vectors"] as? [[Double]])
        let expected = try XCTUnwrap(fixture["spherical_harmonics"] as? [[Double]])
        let y = Tensor(shape: [vectors.count, 3], scalars: vectors.flatMap { $0 }).sphericalHarmonics(lmax: 3)
        let ours = Tensor.concat(y, axis: 1).doubles
        let worst = zip(ours, expected.flatMap { $0 }).map { abs($0 - $1) }.max() ?? 1
        XCTAssertLessThan(worst, 1e-12)
        for (l, t) in y.enumerated() {  // component normalisation: ‖Y^l‖² = 2l + 1
            let norms = t.squared().sum(axis: 1).doubles
            XCTAssert(norms.allSatisfy { abs($0 - Double(2 * l + 1)) < 1e-12 }, "l = \(l): \(norms)")
        }
    }

    func testBlocksAreRotationEquivariant() throws {
        var random = TestRandom(seed: 11)
        let rotation = Self.randomRotation(&random)
        let d = try Self.representations(rotation, lmax: 3)
        // Wigner 3j invariance: C_{ijk} D1_{il} D2_{jm} D3_{kn} = C_{lmn}.
        for (l1, l2, l3) in [(1, 1, 2), (2, 1, 3), (2, 2, 2), (3, 3, 0), (3, 2, 1)] {
            let c = Wigner3j.coefficients(l1, l2, l3)
            let (a, b, k) = (2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1)
            var worst = 0.0
            for l in 0..<a { for m in 0..<b { for n in 0..<k {
                var s = 0.0
                for i in 0..<a { for j in 0..<b { for q in 0..<k {
                    s += c[(i * b + j) * k + q] * d[l1][i * a + l] * d[l2][j * b + m] * d[l3][q * k + n]
                } } }
                worst = max(worst, abs(s - c[(l * b + m) * k + n]))
            } } }
            XCTAssertLessThan(worst, 1e-10, "3j (\(l1),\(l2),\(l3)) invariance")
        }

        // A tensor product with every path l1 ⊗ l2 → l3 ≤ 3, then a linear map and a gate.
        let e = 5, mul = 3
        var paths: [TensorProductPath] = []
        for l3 in 0...3 { for l1 in 0...3 { for l2 in 0...3 where abs(l1 - l2) <= l3 && l3 <= l1 + l2 {
            paths.append(try Self.path(l1, l2, l3, mul: mul))
        } } }
        let product = UVUTensorProduct(paths: paths)
        let vectors = Self.unitVectors(e, &random)
        let x: IrrepFeatures = Dictionary(uniqueKeysWithValues: (0...3).map { ($0, random.tensor([e, 2 * $0 + 1, mul])) })
        let weights = paths.map { random.tensor([e, $0.mul]) }
        let out = product(x, filter: vectors.sphericalHarmonics(lmax: 3), weights: weights)
        let rotatedVectors = vectors.matmul(Tensor(shape: [3, 3], scalars: rotation), transposeB: true)
        let rotatedOut = product(Self.rotate(x, d), filter: rotatedVectors.sphericalHarmonics(lmax: 3), weights: weights)
        Self.assertClose(Self.rotate(out, d), rotatedOut, "tensor product")

        let channels = out.mapValues { $0.shape[2] }
        let linear = IrrepsLinear(weights: channels.mapValues { random.tensor([mul, $0]) }.merging([0: random.tensor([mul + 3 * mul, channels[0]!])]) { $1 })
        let mixed = linear(out)
        Self.assertClose(Self.rotate(mixed, d), linear(rotatedOut), "linear")
        let gate = EquivariantGate(scalars: mul, scalarConstant: 1.7, gateConstant: 1.7)
        let gated = gate(mixed)
        XCTAssertEqual(gated[0]?.shape, [e, 1, mul])
        Self.assertClose(Self.rotate(gated, d), gate(linear(rotatedOut)), "gate")
    }

    func testGradients() {
        var random = TestRandom(seed: 5)
        let a = random.tensor([4, 3, 5]), b = random.tensor([4, 5, 2]), bt = random.tensor([4, 2, 5]), at = random.tensor([4, 5, 3])
        assertGradients("batchedMatmul", [a, b]) { $0[0].batchedMatmul($0[1]) }
        assertGradients("batchedMatmul transposeA", [at, b]) { $0[0].batchedMatmul($0[1], transposeA: true) }
        assertGradients("batchedMatmul transposeB", [a, bt]) { $0[0].batchedMatmul($0[1], transposeB: true) }
        let v = random.tensor([6, 3], in: 0.3...1.2)
        assertGradients("sphericalHarmonics", [v], tolerance: 1e-5) { Tensor.concat($0[0].sphericalHarmonics(lmax: 3), axis: 1) }
        let paths = [try! Self.path(1, 2, 3, mul: 2), try! Self.path(2, 1, 1, mul: 2)]
        let product = UVUTensorProduct(paths: paths.sorted { $0.l3 < $1.l3 })
        let x1 = random.tensor([3, 3, 2]), x2 = random.tensor([3, 5, 2]), y = random.tensor([3, 3])
        let w1 = random.tensor([3, 2]), w2 = random.tensor([3, 2])
        assertGradients("uvu tensor product", [x1, x2, y, w1, w2], tolerance: 1e-5) { t in
            let filter = [Tensor.ones([3, 1], dtype: .float64), t[2], t[2].sphericalHarmonics(lmax: 2)[2]]
            let out = product([1: t[0], 2: t[1]], filter: filter, weights: [t[3], t[4]])
            return Tensor.concat([out[1]!.reshaped(to: [3, -1]), out[3]!.reshaped(to: [3, -1])], axis: 1)
        }
    }

    // MARK: helpers

    static func path(_ l1: Int, _ l2: Int, _ l3: Int, mul: Int) throws -> TensorProductPath {
        let json = "{\"l1\": \(l1), \"l2\": \(l2), \"l3\": \(l3), \"mul\": \(mul), \"path_weight\": \(Double(2 * l3 + 1).squareRoot())}"
        return try JSONDecoder().decode(TensorProductPath.self, from: Data(json.utf8))
    }

    static func unitVectors(_ n: Int, _ random: inout TestRandom) -> Tensor {
        let v = random.tensor([n, 3])
        return v / v.squared().sum(axis: 1, keepingDims: true).sqrt()
    }

    /// A rotation matrix (row-major) from a random unit quaternion.
    static func randomRotation(_ random: inout TestRandom) -> [Double] {
        var q = (0..<4).map { _ in random.next() - 0.5 }
        let n = q.map { $0 * $0 }.reduce(0, +).squareRoot()
        q = q.map { $0 / n }
        let (w, x, y, z) = (q[0], q[1], q[2], q[3])
        return [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
                2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
                2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]
    }

    /// D^l(R) (row-major [2l+1, 2l+1]) with Y^l(R v) = D^l Y^l(v), fitted by least squares on
    /// 40 vectors; fails when the fit is not exact or D is not orthogonal (harmonics not equivariant).
    static func representations(_ r: [Double], lmax: Int) throws -> [[Double]] {
        var random = TestRandom(seed: 3)
        let v = unitVectors(40, &random)
        let y = v.sphericalHarmonics(lmax: lmax)
        let yr = v.matmul(Tensor(shape: [3, 3], scalars: r), transposeB: true).sphericalHarmonics(lmax: lmax)
        return try (0...lmax).map { l in
            let k = 2 * l + 1
            // D = (Yrᵀ Y)(Yᵀ Y)⁻¹ with Y rows = samples.
            let a = y[l].matmul(y[l], transposeA: true).doubles, b = yr[l].matmul(y[l], transposeA: true).doubles
            let inv = try XCTUnwrap(invert(a, k))
            var d = [Double](repeating: 0, count: k * k)
            for i in 0..<k { for j in 0..<k { for m in 0..<k { d[i * k + j] += b[i * k + m] * inv[m * k + j] } } }
            let fit = y[l].matmul(Tensor(shape: [k, k], scalars: d), transposeB: true) - yr[l]
            XCTAssertLessThan(fit.abs().doubles.max() ?? 0, 1e-10, "Y^\(l)(Rv) = D Y^\(l)(v)")
            for i in 0..<k { for j in 0..<k {
                let dot = (0..<k).map { d[i * k + $0] * d[j * k + $0] }.reduce(0, +)
                XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-10, "D^\(l) orthogonal")
            } }
            return d
        }
    }

    static func invert(_ a: [Double], _ n: Int) -> [Double]? {
        var m = a, inv = (0..<n * n).map { $0 / n == $0 % n ? 1.0 : 0.0 }
        for c in 0..<n {
            guard let p = (c..<n).max(by: { abs(m[$0 * n + c]) < abs(m[$1 * n + c]) }), abs(m[p * n + c]) > 1e-14 else { return nil }
            for j in 0..<n { m.swapAt(c * n + j, p * n + j); inv.swapAt(c * n + j, p * n + j) }
            let s = m[c * n + c]
            for j in 0..<n { m[c * n + j] /= s; inv[c * n + j] /= s }
            for r in 0..<n where r != c {
                let f = m[r * n + c]
                for j in 0..<n { m[r * n + j] -= f * m[c * n + j]; inv[r * n + j] -= f * inv[c * n + j] }
            }
        }
        return inv
    }

    /// Features [N, 2l+1, mul] with D^l applied on the component axis.
    static func rotate(_ x: IrrepFeatures, _ d: [[Double]]) -> IrrepFeatures {
        x.mapValues { t in
            let k = t.shape[1], n = t.shape[0]
            let dl = Tensor(shape: [1, k, k], scalars: d[(k - 1) / 2]).expanded(to: [n, k, k])
            return dl.batchedMatmul(t)
        }
    }

    static func assertClose(_ a: IrrepFeatures, _ b: IrrepFeatures, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(a.keys), Set(b.keys), what, file: file, line: line)
        for (l, t) in a {
            let diff = (t - b[l]!).abs().doubles.max() ?? 0
            XCTAssertLessThan(diff, 1e-9, "\(what), degree \(l)", file: file, line: line)
        }
    }
}
