import Crystal
import Foundation
@testable import Search
import XCTest

final class AcquisitionTests: XCTestCase {
    func pick(_ a: Acquisition, _ p: [(mean: Double, sigma: Double)], _ count: Int, best: Double = 0, seed: UInt64 = 1) throws -> [Int] {
        var rng = SeededGenerator(seed: seed)
        return try a.select(predictions: p, count: count, best: best, rng: &rng)
    }

    /// Greedy takes the lowest means, lowest first, whatever σ.
    func testGreedyPicksLowestMean() throws {
        let p = [(0.3, 0.0), (-0.1, 0.5), (0.05, 0.01), (0.2, 2.0), (-0.05, 0.0)].map { (mean: $0.0, sigma: $0.1) }
        XCTAssertEqual(try pick(.greedy, p, 3), [1, 4, 2])
        XCTAssertEqual(try pick(.greedy, p, 0), [])
    }

    /// At equal means UCB prefers the larger σ (equal bounds: the lower mean); with κ = 0 it is greedy.
    func testUCBPrefersUncertaintyAtEqualMean() throws {
        let p = [(0.1, 0.01), (0.1, 0.2), (0.1, 0.05), (0.0, 0.0)].map { (mean: $0.0, sigma: $0.1) }
        XCTAssertEqual(try pick(.ucb(kappa: 2), p, 4), [1, 3, 2, 0])
        XCTAssertEqual(try pick(.ucb(kappa: 0), p, 4), try pick(.greedy, p, 4))
    }

    /// The closed form equals the integral of (best − y)·N(y; μ, σ) over y < best (trapezoid rule).
    func testExpectedImprovementMatchesNumericIntegral() {
        let integralTolerance = 1e-7  // trapezoid with 20,000 steps over ±12σ
        for (mean, sigma, best) in [(0.1, 0.05, 0.0), (-0.2, 0.3, 0.0), (0.0, 1.0, 0.0), (0.5, 0.1, 0.1), (0.02, 0.001, 0.05)] {
            let lo = mean - 12 * sigma, steps = 20_000
            let h = (best - lo) / Double(steps)
            var integral = 0.0
            for k in 0...steps {
                let y = lo + Double(k) * h
                let f = (best - y) * exp(-(y - mean) * (y - mean) / (2 * sigma * sigma)) / (sigma * (2 * Double.pi).squareRoot())
                integral += (k == 0 || k == steps ? 0.5 : 1) * f * h
            }
            XCTAssertEqual(Acquisition.expectedImprovement(mean: mean, sigma: sigma, best: best), integral,
                           accuracy: integralTolerance, "μ \(mean) σ \(sigma) best \(best)")
        }
    }

    /// σ = 0: EI is the plain improvement max(best − μ, 0); ties at 0 fall back to the lower mean.
    func testExpectedImprovementWithoutUncertainty() throws {
        XCTAssertEqual(Acquisition.expectedImprovement(mean: -0.2, sigma: 0, best: 0.1), 0.3, accuracy: 1e-15)
        XCTAssertEqual(Acquisition.expectedImprovement(mean: 0.4, sigma: 0, best: 0.1), 0)
        let p = [(0.5, 0.0), (0.3, 0.0), (0.2, 0.1), (-0.1, 0.0)].map { (mean: $0.0, sigma: $0.1) }
        XCTAssertEqual(try pick(.ei, p, 4, best: 0), [3, 2, 1, 0])
    }

    /// EI prefers a wide prediction when both means miss the reference.
    func testExpectedImprovementRewardsUncertaintyAboveReference() throws {
        let p = [(0.1, 0.01), (0.15, 0.2)].map { (mean: $0.0, sigma: $0.1) }
        XCTAssertEqual(try pick(.ei, p, 1, best: 0), [1])
    }

    /// Random picks distinct indices, the same for the same seed, others for another seed.
    func testRandomIsReproducible() throws {
        let p = (0..<40).map { (mean: Double($0), sigma: 0.0) }
        let a = try pick(.random, p, 10, seed: 3)
        XCTAssertEqual(a, try pick(.random, p, 10, seed: 3))
        XCTAssertEqual(Set(a).count, 10)
        XCTAssertTrue(a.allSatisfy { (0..<40).contains($0) })
        XCTAssertNotEqual(a, try pick(.random, p, 10, seed: 4))
        XCTAssertNotEqual(a, try pick(.greedy, p, 10))
    }

    func testBadInputIsRefused() throws {
        let p = [(mean: 0.1, sigma: 0.1), (mean: 0.2, sigma: 0.1)]
        func message(_ body: () throws -> Any) -> String {
            do { _ = try body(); return "" } catch { return "\(error)" }
        }
        XCTAssertTrue(message { try self.pick(.ucb(kappa: -1), p, 1) }.contains("kappa"))
        XCTAssertTrue(message { try Acquisition(name: "ucb", kappa: .nan) }.contains("kappa"))
        XCTAssertTrue(message { try Acquisition(name: "thompson") }.contains("acquisition"))
        XCTAssertTrue(message { try self.pick(.greedy, p, 3) }.contains("count"))
        XCTAssertTrue(message { try self.pick(.random, p, -1) }.contains("count"))
        XCTAssertTrue(message { try self.pick(.greedy, [(mean: .nan, sigma: 0.1)], 1) }.contains("prediction 0"))
        XCTAssertTrue(message { try self.pick(.ei, [(mean: 0, sigma: -0.1)], 1) }.contains("sigma"))
        XCTAssertTrue(message { try self.pick(.ei, p, 1, best: .infinity) }.contains("best"))
        XCTAssertEqual(try Acquisition(name: "ucb", kappa: 1.5), .ucb(kappa: 1.5))
        XCTAssertEqual(try Acquisition(name: "ei").name, "ei")
    }
}
