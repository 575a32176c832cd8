import Crystal
import Evaluation
import ReferenceData
import XCTest

final class MatchingMetricsTests: XCTestCase {
    func testUniquenessWithPlantedDuplicates() {
        let nacl = Build.rocksalt()
        let set = [nacl, Build.cesiumChloride(), nacl.perturbed(distance: 0.01, seed: 1), Build.rocksalt("K", "Br", edge: 6.6),
                   nacl, Build.cesiumChloride(edge: 4.3)]
        func inputs(_ energies: [Double?]) -> [VerdictInput] {
            zip(set, energies).map { VerdictInput(structure: $0, energyPerAtom: $1, energyAboveHull: nil, converged: true) }
        }
        let first = Verdicts.assess(inputs(Array(repeating: nil, count: 6)), rules: .mattergen, novelty: nil)
        XCTAssertEqual(first.map(\.unique), [true, true, false, true, false, false])
        XCTAssertEqual(first.map(\.representative), [0, 1, 0, 3, 0, 1])
        XCTAssertEqual(first.map(\.sun), Array(repeating: nil, count: 6))
        // Lowest energy per atom represents its group; a missing energy sorts last.
        let lowest = Verdicts.assess(inputs([-3.0, nil, -3.2, -2, -3.1, -1]), rules: .campaign, novelty: nil)
        XCTAssertEqual(lowest.map(\.representative), [2, 5, 2, 3, 2, 5])
        XCTAssertEqual(lowest.map(\.unique), [false, false, true, true, false, true])
    }

    /// The three novelty levels, strictest first.
    func testNoveltyLevels() {
        XCTAssertEqual(NoveltyLevel(structureMatched: true, formulaKnown: true), .knownStructure)
        XCTAssertEqual(NoveltyLevel(structureMatched: false, formulaKnown: true), .knownComposition)
        XCTAssertEqual(NoveltyLevel(structureMatched: false, formulaKnown: false), .newComposition)
        XCTAssertEqual(NoveltyLevel.allCases.map(\.order), [0, 1, 2])
        XCTAssertEqual(NoveltyLevel.newComposition.order, 0)
    }

    /// Stability needs E_hull at or under the threshold and, under the campaign rules, convergence.
    func testStabilityRule() {
        XCTAssertTrue(VerdictRules.mattergen.isStable(energyAboveHull: 0.1, converged: false))
        XCTAssertFalse(VerdictRules.campaign.isStable(energyAboveHull: 0.1, converged: false))
        XCTAssertTrue(VerdictRules.campaign.isStable(energyAboveHull: 0.1, converged: true))
        XCTAssertFalse(VerdictRules.campaign.isStable(energyAboveHull: 0.1001, converged: true))
        XCTAssertFalse(VerdictRules.mattergen.isStable(energyAboveHull: nil, converged: true))
    }

    func testStructureCopiedFromMPIsNotNovel() throws {
        let checker = try NoveltyChecker.materialsProject()
        let mp = try ReferenceStructures.mp()
        let copied = [1, 2, 1000].map { mp.structure(at: $0).perturbed(distance: 0.01, seed: UInt64($0)) }
        XCTAssertEqual(checker.novelty(copied), [false, false, false])
        XCTAssertFalse(checker.isNovelFormula(copied[0].composition))
        // Made-up compound: new formula, new structure.
        let invented = Build.rocksalt("Cs", "Bi", edge: 7.5)
        XCTAssertTrue(checker.isNovel(invented))
        XCTAssertTrue(checker.isNovelFormula(invented.composition))
    }

    func testNoveltyAgainstDisorderedReference() throws {
        // A reference with one Na/K-mixed site in each position of the rocksalt cation sublattice.
        var disordered = Build.rocksalt()
        let na = try Element("Na"), k = try Element("K")
        for i in 0..<4 { disordered.sites[i] = Site(occupancy: [.init(Species(na), 0.5), .init(Species(k), 0.5)], frac: disordered.sites[i].frac) }
        let checker = NoveltyChecker(references: [disordered])
        XCTAssertEqual(checker.referenceCount.disordered, 1)
        var ordered = Build.rocksalt()
        for i in [1, 3] { ordered.sites[i] = Site(occupancy: [.init(Species(k), 1)], frac: ordered.sites[i].frac) }
        XCTAssertFalse(checker.isNovel(ordered), "an ordering of the disordered reference is not novel")
        XCTAssertTrue(checker.isNovel(Build.cesiumChloride("Na", "Cl")))
    }

    func testRMSD() throws {
        let s = Build.rocksalt()
        XCTAssertEqual(try XCTUnwrap(relaxationRMSD(s, s)), 0, accuracy: 1e-8)
        let rattled = try XCTUnwrap(relaxationRMSD(s, s.perturbed(distance: 0.1, seed: 7)))
        XCTAssertGreaterThan(rattled, 0)
        XCTAssertLessThan(rattled, 0.5)
    }

    func testReconstruction() throws {
        let truth = [Build.rocksalt(), Build.cesiumChloride()]
        let exact = Reconstruction(predictions: truth, groundTruth: truth)
        XCTAssertEqual(exact.matchRate, 1)
        XCTAssertEqual(try XCTUnwrap(exact.meanRMS), 0, accuracy: 1e-8)
        let preds = [Build.rocksalt().perturbed(distance: 0.05, seed: 3), Build.rocksalt("Cs", "Cl")]
        let half = Reconstruction(predictions: preds, groundTruth: truth)
        XCTAssertEqual(half.matched, 1)
        XCTAssertGreaterThan(try XCTUnwrap(half.meanRMS), 0)
        XCTAssertEqual(Reconstruction(predictions: truth, groundTruth: truth, valid: [false, true]).matchRate, 0.5)
    }
}
