import Crystal
import Evaluation
import XCTest

final class DistributionTests: XCTestCase {
    func testWassersteinAgainstScipy() throws {
        XCTAssertEqual(try XCTUnwrap(wassersteinDistance([1, 2, 3, 4], [4, 3, 2, 1])), 0, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(wassersteinDistance([0, 1, 3], [5, 6, 8])), 5, accuracy: 1e-12)
        // scipy.stats.wasserstein_distance values.
        XCTAssertEqual(try XCTUnwrap(wassersteinDistance([0.5, 1.5, 2.0, 7.0], [1.0, 4.0])), 1.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(wassersteinDistance([1, 2, 2, 3], [2])), 0.5, accuracy: 1e-12)
        XCTAssertNil(wassersteinDistance([], [1]))
    }

    func testCoverageOfIdenticalAndDistantSets() throws {
        let s: [[Double]] = [[0, 0], [1, 0], [0, 1]]
        let c: [[Double]] = [[0], [5], [9]]
        let same = try XCTUnwrap(Coverage(generated: (s, c), groundTruth: (s, c), structureCutoff: 0.2, compositionCutoff: 4))
        XCTAssertEqual(same.recall, 1)
        XCTAssertEqual(same.precision, 1)
        XCTAssertEqual(same.structureRecallDistance, 0)
        let far = s.map { $0.map { $0 + 10 } }
        let none = try XCTUnwrap(Coverage(generated: (far, c), groundTruth: (s, c), structureCutoff: 0.2, compositionCutoff: 4))
        XCTAssertEqual(none.recall, 0)
        XCTAssertEqual(none.precision, 0)
        // One of three generated near the truth; precision counts against the unfiltered number (CDVAE).
        let one = try XCTUnwrap(Coverage(generated: ([[0, 0.1]], [[0]]), groundTruth: (s, c), structureCutoff: 0.2,
                                         compositionCutoff: 4, generatedCount: 2))
        XCTAssertEqual(one.recall, 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(one.precision, 0.5, accuracy: 1e-12)
    }

    func testMagpieFeatures() throws {
        let f = CompositionFingerprint.features(try Composition("NaCl"))
        XCTAssertEqual(f.count, 132)
        // Number: min 11, max 17, range 6, mean 14, avg_dev 3, mode 11 (tie → smallest).
        XCTAssertEqual(Array(f[0..<6]), [11, 17, 6, 14, 3, 11])
        let fe = CompositionFingerprint.features(try Composition("Fe"))
        XCTAssertEqual(fe[2], 0)
        XCTAssertEqual(fe[4], 0)
        XCTAssertEqual(fe[0], 26)
        let scaled = CompositionFingerprint.scaled(try Composition("NaCl"))
        XCTAssertEqual(scaled[0], (11 - 21.194441759304013) / 16.35781741152948, accuracy: 1e-12)
        XCTAssertFalse(scaled.contains { $0.isNaN })
    }
}
