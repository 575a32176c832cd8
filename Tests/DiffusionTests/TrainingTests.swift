import Crystal
@testable import Diffusion
import Foundation
import Learning
import XCTest

/// Training runs resume exactly; models round-trip through their files; sampling returns what was asked.
final class TrainingTests: XCTestCase {
    func options() -> DiffusionTrainingOptions {
        var o = DiffusionTrainingOptions()
        (o.epochs, o.batchSize, o.warmupSteps, o.seed) = (4, 2, 2, 9)
        return o
    }

    func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("kiln-diffusion-\(UUID().uuidString)-\(name)")
    }

    /// Two epochs, a checkpoint written and read back, two more epochs: the same weights, optimiser
    /// state, moving average and history (but timings) as four epochs in one go.
    func testResumedTrainingEqualsUninterruptedTraining() throws {
        let data = DenoiserTests.perovskites()
        let config = DenoiserTests.tinyConfig()
        var straight = try DiffusionTrainer(checkpoint: try DiffusionCheckpoint(config: config, options: options()), data: data,
                                            validation: Array(data.prefix(2)))
        for _ in 0..<4 { _ = try straight.trainEpoch() }

        var first = try DiffusionTrainer(checkpoint: try DiffusionCheckpoint(config: config, options: options()), data: data,
                                         validation: Array(data.prefix(2)))
        for _ in 0..<2 { _ = try first.trainEpoch() }
        let url = temporaryFile("checkpoint.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try first.checkpoint.write(to: url)
        var resumed = try DiffusionTrainer(checkpoint: try DiffusionCheckpoint(contentsOf: url), data: data, validation: Array(data.prefix(2)))
        XCTAssertEqual(resumed.checkpoint.epoch, 2)
        for _ in 0..<2 { _ = try resumed.trainEpoch() }

        XCTAssertEqual(resumed.checkpoint.model.parameters, straight.checkpoint.model.parameters)
        XCTAssertEqual(resumed.checkpoint.optimiser.secondMoment, straight.checkpoint.optimiser.secondMoment)
        XCTAssertEqual(resumed.checkpoint.optimiser.steps, straight.checkpoint.optimiser.steps)
        XCTAssertEqual(resumed.checkpoint.average.values, straight.checkpoint.average.values)
        XCTAssertEqual(resumed.checkpoint.history.map(\.loss), straight.checkpoint.history.map(\.loss))
        XCTAssertEqual(resumed.checkpoint.history.map(\.validationLoss), straight.checkpoint.history.map(\.validationLoss))
        XCTAssertNotEqual(straight.checkpoint.model.parameters, try DiffusionModel(config: config, seed: 9).parameters)
    }

    /// A model file keeps configuration and weights; a checkpoint is not a model file and a corrupt
    /// file is a clear error.
    func testModelFileRoundTripAndErrors() throws {
        var config = DenoiserTests.tinyConfig()
        config.property = "dir_gap"
        config.propertyMean = 1.2
        let model = try DiffusionModel(config: config, seed: 4)
        let url = temporaryFile("model.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.write(to: url)
        let read = try DiffusionModel(contentsOf: url)
        XCTAssertEqual(read.config, config)
        XCTAssertEqual(read.parameters, model.parameters)

        let checkpoint = temporaryFile("checkpoint.safetensors")
        defer { try? FileManager.default.removeItem(at: checkpoint) }
        try DiffusionCheckpoint(config: config, options: options()).write(to: checkpoint)
        XCTAssertThrowsError(try DiffusionModel(contentsOf: checkpoint)) { XCTAssert("\($0)".contains("not a Kiln diffusion model"), "\($0)") }
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count / 2).write(to: url)
        XCTAssertThrowsError(try DiffusionModel(contentsOf: url))
        XCTAssertThrowsError(try DiffusionModel.named("no-such-model")) { XCTAssert($0.localizedDescription.contains("no model 'no-such-model'"), "\($0)") }
    }

    /// Sampling gives one crystal per composition with its atoms, finite lattices and coordinates in
    /// [0, 1), the same for the same seed; de novo atom counts come from the stored distribution and
    /// a system condition keeps every atom inside it; bad requests are clear errors.
    func testSamplingReturnsWhatWasAsked() throws {
        let model = try DiffusionModel(config: DenoiserTests.tinyConfig(), seed: 6)
        var sampling = DiffusionSampling()
        sampling.seed = 3
        let compositions = [[38, 22, 8, 8, 8], [22, 8, 8]]
        let a = try model.predictStructures(for: compositions, sampling: sampling)
        let b = try model.predictStructures(for: compositions, sampling: sampling)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.map(\.numbers), compositions)
        for c in a {
            XCTAssert(c.lattice.allSatisfy(\.isFinite))
            XCTAssert(c.fractional.allSatisfy { (0..<1).contains($0) })
        }
        let generated = try model.generate(count: 12, condition: DiffusionCondition(elements: [56, 22, 8]), sampling: sampling)
        XCTAssert(generated.allSatisfy { [3, 5].contains($0.numbers.count) })
        XCTAssert(generated.allSatisfy { Set($0.numbers).isSubset(of: [56, 22, 8]) })
        XCTAssertThrowsError(try model.predictStructures(for: [[3, 8]])) { XCTAssert("\($0)".contains("Li is not among"), "\($0)") }
        XCTAssertThrowsError(try model.generate(count: 1, condition: DiffusionCondition(property: 1)))
        XCTAssertThrowsError(try model.predictStructures(for: [[]]))
    }

    /// The bundled CDVAE splits read completely (row counts from the data README).
    func testBundledSplitsRead() throws {
        let perov = try DiffusionDataset.bundled("perov_5_test")
        XCTAssertEqual(perov.count, 3785)
        XCTAssert(perov.allSatisfy { $0.numbers.count == 5 && $0.properties["dir_gap"] != nil })
        let carbon = try DiffusionDataset.bundled("carbon_24_val")
        XCTAssertEqual(carbon.count, 2032)
        XCTAssert(carbon.allSatisfy { Set($0.numbers) == [6] && (6...24).contains($0.numbers.count) })
        XCTAssertThrowsError(try DiffusionDataset.load("/no/such/file.csv"))
    }
}

/// CDVAE's preprocessing: a skewed, rotated cell becomes its Niggli cell in standard orientation,
/// with the same crystal (cartesian distances kept).
final class CanonicalCellTests: XCTestCase {
    func testCanonicalCellKeepsTheCrystal() throws {
        let cubic = Lattice(a: 4, b: 4, c: 4, alpha: 90, beta: 90, gamma: 90)
        let skew = Matrix3(Vec3(1, 0, 0), Vec3(1, 1, 0), Vec3(0, 1, 1)) * cubic.matrix  // a unimodular change of basis
        let s = Structure(lattice: Lattice(skew), species: [try Element("Sr"), try Element("Ti")],
                          fracCoords: [Vec3(0.1, 0.2, 0.3), Vec3(0.6, 0.7, 0.8)])
        let c = DiffusionCrystal.canonical(s)
        XCTAssertEqual(c.lattice.parameters[0], 4, accuracy: 1e-9)
        XCTAssertEqual(c.lattice.parameters[4], 90, accuracy: 1e-9)
        XCTAssertEqual(c.lattice.matrix[0, 1], 0, accuracy: 1e-12, "a along x")
        XCTAssertEqual(c.lattice.matrix[1, 2], 0, accuracy: 1e-12, "b in the xy plane")
        func shortest(_ x: Structure) -> Double {
            var best = Double.infinity
            for i in -2...2 { for j in -2...2 { for k in -2...2 {
                let d = x.lattice.cartesian(x.sites[1].frac - x.sites[0].frac + Vec3(Double(i), Double(j), Double(k)))
                best = min(best, (d * d).sum().squareRoot())
            } } }
            return best
        }
        XCTAssertEqual(shortest(c), shortest(s), accuracy: 1e-9)
        XCTAssertEqual(c.lattice.volume, s.lattice.volume, accuracy: 1e-9)
    }
}
