import Crystal
import Evaluation
import XCTest

/// Stable, possibly stable and unstable at the boundaries of threshold − margin and threshold.
final class StabilityLevelTests: XCTestCase {
    func testLevelsAtTheBoundaries() {
        var rules = VerdictRules.campaign
        rules.stabilityThreshold = 0.1
        func level(_ e: Double?, margin: Double, converged: Bool = true) -> StabilityLevel {
            rules.stabilityLevel(energyAboveHull: e, converged: converged, margin: margin)
        }
        let margin = 0.03
        XCTAssertEqual(level(0, margin: margin), .stable)
        XCTAssertEqual(level(0.1 - margin, margin: margin), .stable)
        XCTAssertEqual(level(0.1 - margin + 1e-6, margin: margin), .possiblyStable)
        XCTAssertEqual(level(0.1, margin: margin), .possiblyStable)
        XCTAssertEqual(level(0.1 + 1e-6, margin: margin), .unstable)
        XCTAssertEqual(level(nil, margin: margin), .unstable)
        XCTAssertEqual(level(0, margin: margin, converged: false), .unstable, "the campaign rules need a converged relaxation")
        // Margin 0: the old rule, no possibly-stable band.
        XCTAssertEqual(level(0.1, margin: 0), .stable)
        XCTAssertEqual(level(0.1 + 1e-6, margin: 0), .unstable)
        XCTAssertEqual(rules.isStable(energyAboveHull: 0.1, converged: true), true)
        // A margin above the threshold leaves nothing robustly stable; a negative one counts as 0.
        XCTAssertEqual(level(0, margin: 0.2), .possiblyStable)
        XCTAssertEqual(level(0.1, margin: -0.05), .stable)
        XCTAssertEqual(StabilityLevel.allCases.map(\.order), [0, 1, 2])
        XCTAssertEqual(StabilityLevel.possiblyStable.rawValue, "possibly_stable")
    }

    func testAssessUsesEachInputsMargin() {
        let s = Build.rocksalt()
        let inputs = [VerdictInput(structure: s, energyPerAtom: -3, energyAboveHull: 0.05, converged: true, stabilityMargin: 0),
                      VerdictInput(structure: Build.cesiumChloride(), energyPerAtom: -3, energyAboveHull: 0.05, converged: true,
                                   stabilityMargin: 0.08)]
        let v = Verdicts.assess(inputs, rules: .campaign, novelty: nil)
        XCTAssertEqual(v.map(\.stability), [.stable, .possiblyStable])
        XCTAssertEqual(v.map(\.stable), [true, false])
    }
}
