import Crystal
import Foundation
import Potentials
import Properties
@testable import Search
import Thermo
import XCTest

final class SurrogateTests: XCTestCase {
    /// Synthetic proposals: 6 uniform features, a prior that knows only a small part of the truth,
    /// relaxed E_hull = prior + a smooth function of the features + Gaussian noise (σ = 0.03).
    func synthetic(_ n: Int, seed: UInt64) -> [(features: SurrogateFeatures, eHull: Double)] {
        var rng = SeededGenerator(seed: seed)
        return (0..<n).map { _ in
            let x = (0..<6).map { _ in Double.random(in: 0...1, using: &rng) }
            let prior = 0.05 * x[3]
            let u1 = Double.random(in: Double.ulpOfOne...1, using: &rng), u2 = Double.random(in: 0...1, using: &rng)
            let noise = 0.03 * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            let y = prior + 0.3 * x[0] - 0.2 * x[1] + 0.1 * sin(6 * x[2]) + noise
            return (SurrogateFeatures(row: x + [prior], priorMean: prior, priorSigma: 0.1), y)
        }
    }

    /// Fewer than `minTrainingSize` relaxed points: the prediction is the prior.
    func testPriorBelowMinimumTrainingSize() throws {
        let data = synthetic(7, seed: 1)
        let surrogate = try Surrogate(training: Array(data.prefix(7)))
        XCTAssertTrue(surrogate.isPrior)
        for d in data {
            let p = try surrogate.predict(d.features)
            XCTAssertEqual(p.mean, d.features.priorMean)
            XCTAssertEqual(p.sigma, d.features.priorSigma)
        }
    }

    /// Fitted on 150 rows it beats the prior on 400 held-out rows, and its σ covers about 68 %.
    func testOnlineFitBeatsPriorAndIsCalibrated() throws {
        let surrogate = try Surrogate(training: synthetic(150, seed: 2))
        XCTAssertFalse(surrogate.isPrior)
        let test = synthetic(400, seed: 3)
        var priorError = 0.0, error = 0.0, inside = 0
        for t in test {
            let p = try surrogate.predict(t.features)
            priorError += abs(t.eHull - t.features.priorMean)
            error += abs(t.eHull - p.mean)
            if abs(t.eHull - p.mean) <= p.sigma { inside += 1 }
        }
        XCTAssertLessThan(error, 0.7 * priorError, "online MAE \(error / 400) vs prior \(priorError / 400)")
        let coverage = Double(inside) / Double(test.count)
        let coverageBand = 0.55...0.82  // nominal 0.683; 400 rows and an out-of-bag estimate of the scale
        XCTAssertTrue(coverageBand.contains(coverage), "±1σ coverage \(coverage)")
    }

    /// The same seed gives the same predictions; another seed other ones.
    func testDeterministicForSeed() throws {
        let data = synthetic(20, seed: 4), probe = synthetic(5, seed: 5).map(\.features)
        var parameters = Surrogate.Parameters()
        parameters.boosting.maxRounds = 20
        parameters.seed = 7
        let a = try Surrogate(training: data, parameters: parameters), b = try Surrogate(training: data, parameters: parameters)
        parameters.seed = 8
        let c = try Surrogate(training: data, parameters: parameters)
        let pa = try probe.map { try a.predict($0) }, pb = try probe.map { try b.predict($0) }, pc = try probe.map { try c.predict($0) }
        XCTAssertEqual(pa.map(\.mean), pb.map(\.mean))
        XCTAssertEqual(pa.map(\.sigma), pb.map(\.sigma))
        XCTAssertNotEqual(pa.map(\.mean), pc.map(\.mean))
    }

    func testBadInputIsRefused() throws {
        func message(_ body: () throws -> Any) -> String {
            do { _ = try body(); return "" } catch { return "\(error)" }
        }
        var data = synthetic(10, seed: 6)
        let fitted = try Surrogate(training: data)
        var nan = data[0].features
        nan.row[2] = .nan
        XCTAssertTrue(message { try fitted.predict(nan) }.contains("feature 2"))
        XCTAssertTrue(message { try Surrogate(training: []).predict(nan) }.contains("feature 2"), "the prior checks too")
        XCTAssertTrue(message { try fitted.predict(SurrogateFeatures(row: [0.1], priorMean: 0, priorSigma: 0.1)) }.contains("fitted on 7"))
        XCTAssertTrue(message { try fitted.predict(SurrogateFeatures(row: [0.1], priorMean: 0, priorSigma: -1)) }.contains("sigma"))
        var parameters = Surrogate.Parameters()
        parameters.members = 2
        XCTAssertTrue(message { try Surrogate(training: data, parameters: parameters) }.contains("members"))
        parameters = Surrogate.Parameters()
        parameters.minTrainingSize = 1
        XCTAssertTrue(message { try Surrogate(training: data, parameters: parameters) }.contains("minTrainingSize"))
        data[3].eHull = .nan
        XCTAssertTrue(message { try Surrogate(training: data) }.contains("training row 3"))
        data[3].eHull = 0
        data[4].features.row.removeLast()
        XCTAssertTrue(message { try Surrogate(training: data) }.contains("training row 4"))
    }

    /// On a real structure the prior is the bundled structure model's formation energy minus the
    /// hull's formation energy at the composition, with the model's σ; the row starts with the
    /// model's features. (A small Mn–O hull stands in for the MP reference, slow to load in debug.)
    func testPriorIsBundledModelEstimate() throws {
        let chgnet = try CHGNet()
        nonisolated(unsafe) let diagram = try PhaseDiagram(entries: [("Mn", 0.0), ("O", 0.0), ("MnO", -1.9), ("MnO2", -1.6)].map {
            try ThermoEntry(composition: Composition($0.0), energyPerAtom: $0.1, id: $0.0)
        })
        let featurizer = try SurrogateFeaturizer(chgnet: chgnet) { try diagram.analyze($0, phaseSeparation: false).energyAboveHull }
        let mno = Structure(lattice: .cubic(4.45), species: try ["Mn", "Mn", "Mn", "Mn", "O", "O", "O", "O"].map { try Element($0) },
                            fracCoords: [[0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0],
                                         [0.5, 0.5, 0.5], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5]])
        let f = try featurizer.features(mno)
        let direct = try featurizer.model.predict(mno, chgnet: chgnet)
        let float32Tolerance = 1e-6  // the same CHGNet pass twice; float32 inside
        XCTAssertEqual(f.priorMean, direct.mean - (-1.9), accuracy: float32Tolerance)
        XCTAssertEqual(f.priorSigma, direct.sigma!, accuracy: float32Tolerance)
        XCTAssertEqual(Array(f.row.dropLast()), try featurizer.model.features(mno, chgnet: chgnet))
        XCTAssertEqual(f.row.count, FeatureSet.structure.names.count + 1)
        XCTAssertEqual(f.row.last, f.priorMean)
        let prior = try Surrogate(training: []).predict(f)
        XCTAssertEqual(prior.mean, f.priorMean)
        XCTAssertEqual(prior.sigma, f.priorSigma)
    }
}
