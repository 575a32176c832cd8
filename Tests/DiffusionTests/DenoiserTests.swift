import Crystal
@testable import Diffusion
import Foundation
import Learning
import Tensor
import XCTest

/// The denoiser's symmetries, its gradient, and that it can learn.
final class DenoiserTests: XCTestCase {
    static func tinyConfig(types: Bool = true) -> DiffusionConfig {
        var c = DiffusionConfig(species: [8, 22, 38, 56])
        (c.hidden, c.layers, c.timeEmbedding, c.frequencies, c.timesteps) = (32, 2, 16, 4, 100)
        c.generatesTypes = types
        c.conditionsOnSystem = types
        c.atomCounts = [5: 3, 3: 1]
        return c
    }

    /// Two crystals (3 and 5 atoms) with random coordinates and lattices.
    func input(_ model: DiffusionModel, fractional: [Double]? = nil, lattices: [Double]? = nil, order: [Int]? = nil) -> Denoiser.Input {
        var rng = SeededGenerator(seed: 3)
        let counts = [3, 5], v = model.config.species.count
        let f = fractional ?? (0..<24).map { _ in Double.random(in: 0..<1, using: &rng) }
        let l = lattices ?? [4, 0.3, 0, 0.1, 5, 0.2, -0.4, 0.2, 6, 3.5, 0, 0, 1.2, 3.9, 0, 0.5, 0.7, 4.4]
        var types = [Float](repeating: 0, count: 8 * v)
        for a in 0..<8 { types[a * v + a % v] = 1 }
        let o = order ?? Array(0..<8)
        return Denoiser.Input(
            batch: CrystalBatch(counts: counts), types: Tensor(shape: [8, v], scalars: o.flatMap { types[($0 * v)..<($0 * v + v)] }),
            fractional: o.flatMap { f[(3 * $0)..<(3 * $0 + 3)] }, lattices: l, times: [40, 7], typeTimes: [40, 0],
            condition: (0..<2).flatMap { _ in [Float](repeating: 0, count: model.config.conditionWidth) })
    }

    func assertClose(_ a: [Double], _ b: [Double], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        let scale = max(a.map(abs).max() ?? 1, 1)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, 2e-5 * scale, what, file: file, line: line)
    }

    /// The sampling pass (flat buffers, fused kernels) computes what the Tensor network computes, for
    /// a de novo model with conditions (set, not zero) and for a structure-prediction-only model.
    func testSamplingPassEqualsTensorNetwork() throws {
        for types in [true, false] {
            var config = Self.tinyConfig(types: types)
            if types { config.property = "band_gap" }
            let model = try DiffusionModel(config: config, seed: 5)
            let base = input(model)
            let x = Denoiser.Input(batch: base.batch, types: base.types, fractional: base.fractional, lattices: base.lattices,
                                   times: base.times, typeTimes: base.typeTimes,
                                   condition: (0..<(2 * config.conditionWidth)).map { Float($0 % 3) * 0.5 })
            let expected = model.denoiser(model.layout.tensors(model.parameters), x)
            let got = DenoiserPass(config: config, parameters: model.parameters)(DenoiserPass.Graph(x.batch), x)
            assertClose(got.lattice, expected.lattice.doubles, "lattice")
            assertClose(got.coordinates, expected.coordinates.doubles, "coordinates")
            assertClose(got.types, expected.types?.doubles ?? [], "types")
        }
    }

    /// Permuting atoms permutes the per-atom outputs and leaves the lattice output alone; shifting
    /// every atom by one vector (periodic translation) changes nothing; rotating the lattice rows
    /// leaves per-atom outputs alone and rotates the lattice output the same way.
    func testSymmetries() throws {
        let model = try DiffusionModel(config: Self.tinyConfig(), seed: 1)
        let w = model.layout.tensors(model.parameters)
        let base = input(model)
        let out = model.denoiser(w, base)
        XCTAssertEqual(out.lattice.shape, [2, 3, 3])
        XCTAssertEqual(out.coordinates.shape, [8, 3])

        let order = [2, 0, 1, 7, 3, 6, 4, 5]  // within each crystal
        let permuted = model.denoiser(w, input(model, order: order))
        assertClose(permuted.lattice.doubles, out.lattice.doubles, "lattice under permutation")
        let c = out.coordinates.doubles, t = out.types!.doubles, v = model.config.species.count
        assertClose(permuted.coordinates.doubles, order.flatMap { c[(3 * $0)..<(3 * $0 + 3)] }, "coordinates under permutation")
        assertClose(permuted.types!.doubles, order.flatMap { t[(v * $0)..<(v * $0 + v)] }, "types under permutation")

        let shift = [0.31, 0.77, 0.05]
        let shifted = base.fractional.enumerated().map { k, x in (x + shift[k % 3]).truncatingRemainder(dividingBy: 1) }
        let translated = model.denoiser(w, input(model, fractional: shifted))
        assertClose(translated.coordinates.doubles, c, "coordinates under translation")
        assertClose(translated.lattice.doubles, out.lattice.doubles, "lattice under translation")

        let (a, b) = (0.7, -1.1)  // R = Rz(a)·Rx(b)
        let rz = [[cos(a), -sin(a), 0], [sin(a), cos(a), 0], [0, 0, 1]]
        let rx = [[1, 0, 0], [0, cos(b), -sin(b)], [0, sin(b), cos(b)]]
        let r = (0..<3).map { i in (0..<3).map { j in (0..<3).reduce(0.0) { $0 + rz[i][$1] * rx[$1][j] } } }
        func rotateRows(_ m: [Double]) -> [Double] {  // each row v → R·v
            stride(from: 0, to: m.count, by: 3).flatMap { o in (0..<3).map { i in (0..<3).reduce(0.0) { $0 + r[i][$1] * m[o + $1] } } }
        }
        let rotated = model.denoiser(w, input(model, lattices: rotateRows(base.lattices)))
        assertClose(rotated.coordinates.doubles, c, "coordinates under rotation")
        assertClose(rotated.types!.doubles, t, "types under rotation")
        assertClose(rotated.lattice.doubles, rotateRows(out.lattice.doubles), "lattice output rotates with the lattice")
    }

    /// The tape's gradient of the training loss against central differences on the parameters with
    /// the largest gradients and a few others (float32 loss: h = 1e-3, tolerance 2 % + 3e-3).
    func testLossGradientMatchesFiniteDifferences() throws {
        let model = try DiffusionModel(config: Self.tinyConfig(), seed: 2)
        let crystals = Self.perovskites()
        var options = DiffusionLossOptions()
        options.conditionDrop = 0.5
        func loss(_ p: [Float]) throws -> (Double, [Float]) {
            var rng = SeededGenerator(seed: 99)
            let r = try model.loss(p, crystals: crystals, options: options, rng: &rng)
            return (r.total, r.gradient)
        }
        let (_, gradient) = try loss(model.parameters)
        let largest = gradient.indices.sorted { abs(gradient[$0]) > abs(gradient[$1]) }.prefix(6)
        for k in Array(largest) + [0, 17, model.parameterCount / 2, model.parameterCount - 1] {
            var plus = model.parameters, minus = model.parameters
            plus[k] += 1e-3
            minus[k] -= 1e-3
            let fd = (try loss(plus).0 - loss(minus).0) / 2e-3
            XCTAssertEqual(Double(gradient[k]), fd, accuracy: 0.02 * abs(fd) + 3e-3, "parameter \(k)")
        }
    }

    /// With the noise draw held fixed, the model fits one batch: the loss falls to a few per cent.
    func testOverfitsOneBatch() throws {
        var model = try DiffusionModel(config: Self.tinyConfig(), seed: 5)
        let crystals = Self.perovskites()
        var options = DiffusionLossOptions()
        options.conditionDrop = 0
        var adam = AdamW<Float>(count: model.parameterCount)
        var first = 0.0, last = 0.0
        for step in 0..<300 {
            var rng = SeededGenerator(seed: 42)
            let r = try model.loss(model.parameters, crystals: crystals, options: options, rng: &rng)
            if step == 0 { first = r.total }
            last = r.total
            adam.step(&model.parameters, gradient: r.gradient, learningRate: 3e-3)
        }
        XCTAssertGreaterThan(first, 1)
        XCTAssertLessThan(last, 0.03 * first, "loss \(first) → \(last)")
    }

    /// Four small crystals: cubic perovskites ABO₃ and a rutile-like AO₂ cell.
    static func perovskites() -> [DiffusionCrystal] {
        let cubic = [0.5, 0.5, 0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5]
        func cell(_ a: Double) -> [Double] { [a, 0, 0, 0, a, 0, 0, 0, a] }
        return [
            DiffusionCrystal(id: "SrTiO3", numbers: [38, 22, 8, 8, 8], fractional: cubic, lattice: cell(3.905)),
            DiffusionCrystal(id: "BaTiO3", numbers: [56, 22, 8, 8, 8], fractional: cubic, lattice: cell(4.01)),
            DiffusionCrystal(id: "SrTiO3-b", numbers: [22, 38, 8, 8, 8], fractional: [0.5, 0.5, 0.5, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0],
                             lattice: cell(3.905)),
            DiffusionCrystal(id: "TiO2", numbers: [22, 22, 8, 8, 8, 8],
                             fractional: [0, 0, 0, 0.5, 0.5, 0.5, 0.305, 0.305, 0, 0.695, 0.695, 0, 0.805, 0.195, 0.5, 0.195, 0.805, 0.5],
                             lattice: [4.59, 0, 0, 0, 4.59, 0, 0, 0, 2.96]),
        ]
    }
}
