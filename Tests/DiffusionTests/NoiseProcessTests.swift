import Crystal
@testable import Diffusion
import Foundation
import XCTest

/// The maths of the noise processes, checked against independent computations.
final class NoiseProcessTests: XCTestCase {
    /// The score is d/dx log p: central differences of log density (step 1e-6 σ, error O(h²)).
    func testWrappedNormalScoreIsTheDerivativeOfLogDensity() {
        for sigma in [0.005, 0.05, 0.2, 0.5, 0.9] {
            for x in [-0.49, -0.3, -0.01, 0.0, 0.004, 0.17, 0.45] where WrappedNormal.density(x, sigma: sigma) > 1e-250 {
                let h = 1e-6 * sigma
                let fd = (log(WrappedNormal.density(x + h, sigma: sigma)) - log(WrappedNormal.density(x - h, sigma: sigma))) / (2 * h)
                let score = WrappedNormal.score(x, sigma: sigma)
                XCTAssertEqual(score, fd, accuracy: 1e-5 * max(1, abs(fd)), "σ \(sigma), x \(x)")
            }
        }
        // Periodic, odd, and finite far from the mode where every image underflows.
        XCTAssertEqual(WrappedNormal.score(0.3, sigma: 0.4), WrappedNormal.score(1.3, sigma: 0.4), accuracy: 1e-12)
        XCTAssertEqual(WrappedNormal.score(0.3, sigma: 0.4), -WrappedNormal.score(-0.3, sigma: 0.4), accuracy: 1e-12)
        XCTAssert(WrappedNormal.score(0.49, sigma: 0.005).isFinite)
        XCTAssertEqual(WrappedNormal.score(0.5, sigma: 0.3), 0, accuracy: 1e-12)
    }

    /// The density integrates to 1 over a period; E[score²] is 1/σ² for small σ (no wrapping) and
    /// matches a Monte Carlo estimate from wrapped normal samples for large σ.
    func testWrappedNormalNormalisationAndScoreNorm() {
        for sigma in [0.01, 0.3, 1.0] {
            let m = 20000
            let integral = (0..<m).reduce(0.0) { $0 + WrappedNormal.density((Double($1) + 0.5) / Double(m) - 0.5, sigma: sigma) } / Double(m)
            XCTAssertEqual(integral, 1, accuracy: 1e-9)
        }
        XCTAssertEqual(WrappedNormal.scoreNorm(sigma: 0.005) * 0.005 * 0.005, 1, accuracy: 1e-4)
        var rng = SeededGenerator(seed: 7)
        let sigma = 0.5, m = 200_000
        let mc = (0..<m).reduce(0.0) { acc, _ in
            let s = WrappedNormal.score(sigma * rng.gaussian(), sigma: sigma)
            return acc + s * s
        } / Double(m)
        // Monte Carlo standard error of the mean of score² is about 0.6 % here.
        XCTAssertEqual(WrappedNormal.scoreNorm(sigma: sigma), mc, accuracy: 0.02 * mc)
    }

    /// The cosine schedule starts near clean and ends near pure noise; the coordinate σ spans its range.
    func testScheduleEndpoints() {
        let s = NoiseSchedule(timesteps: 1000)
        XCTAssertEqual(s.alphaBars[1], 0.9999, accuracy: 1e-12)  // β₁ clipped at 1e-4
        XCTAssertLessThan(s.alphaBars[1000], 1e-6)
        XCTAssert(zip(s.alphaBars, s.alphaBars.dropFirst()).allSatisfy { $0 > $1 })
        XCTAssertEqual(s.coordinateSigmas[1], 0.005, accuracy: 1e-12)
        XCTAssertEqual(s.coordinateSigmas[1000], 0.5, accuracy: 1e-12)
        XCTAssertEqual(s.posteriorSigmas[1], 0)
    }

    /// Forward-noising statistics: lattice entries have mean √ᾱ·x₀ and variance 1 − ᾱ; wrapped
    /// coordinate displacements have E[cos 2πd] = exp(−2π²σ²) (the wrapped normal's first moment)
    /// and the target has unit mean square by construction of the norm.
    func testForwardNoisingStatistics() {
        let s = NoiseSchedule(timesteps: 1000)
        var rng = SeededGenerator(seed: 11)
        for t in [10, 300, 700] {
            let m = 40_000
            let (noisy, _) = s.noised([Double](repeating: 4.0, count: m), t: t, rng: &rng)
            let mean = noisy.reduce(0, +) / Double(m)
            let variance = noisy.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(m)
            let expectedVariance = 1 - s.alphaBars[t]
            XCTAssertEqual(mean, 4 * s.alphaBars[t].squareRoot(), accuracy: 5 * (expectedVariance / Double(m)).squareRoot() + 1e-9)
            XCTAssertEqual(variance, expectedVariance, accuracy: 0.03 * expectedVariance)
            let clean = [Double](repeating: 0.25, count: m)
            let (coords, target) = s.noisedCoordinates(clean, t: t, rng: &rng)
            XCTAssert(coords.allSatisfy { (0..<1).contains($0) })
            let sigma = s.coordinateSigmas[t]
            let firstMoment = coords.reduce(0) { $0 + cos(2 * .pi * ($1 - 0.25)) } / Double(m)
            XCTAssertEqual(firstMoment, exp(-2 * .pi * .pi * sigma * sigma), accuracy: 0.015)
            let meanSquare = target.reduce(0) { $0 + $1 * $1 } / Double(m)
            XCTAssertEqual(meanSquare, 1, accuracy: 0.05)
        }
    }
}
