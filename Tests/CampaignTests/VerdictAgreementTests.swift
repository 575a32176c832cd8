import Campaign
import Crystal
import CrystalIO
import Evaluation
import Foundation
import Potentials
import Thermo
import XCTest

/// The same relaxed set through both paths — a campaign's scoring and `kiln evaluate`'s scorecard —
/// with the same verdict rules gives identical stable, unique and new verdicts.
final class VerdictAgreementTests: XCTestCase {
    func testCampaignAndScorecardAgree() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-verdicts-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Na–Cl substitution prototypes repeat rock salt and CsCl, so the set has duplicates, known
        // phases and (from random search) new structures; the loose threshold makes several stable.
        var rules = VerdictRules.campaign
        rules.stabilityThreshold = 0.3
        let spec = try CampaignSpec(
            name: "verdicts", chemicalSystems: [[try Element("Na"), try Element("Cl")]],
            generators: [.init(kind: .substitution, budget: 8, seed: 1), .init(kind: .randomSymmetric, budget: 4, seed: 2, timeLimit: 10)],
            maxAtoms: 4, verdicts: rules, stabilityMargin: .fixed(0), relaxSteps: 150)  // `kiln evaluate` has no margin
        var runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(try CHGNet()))
        runner.workers = 1
        _ = try runner.run()
        let relaxed = try KnowledgeStore(path: runner.storePath).candidates(status: .relaxed)
        XCTAssertGreaterThan(relaxed.count, 3)

        var input = EvaluationInputs(generated: try relaxed.map {
            NamedStructure(id: $0.id, structure: try StructureCoding.decode(try XCTUnwrap($0.relaxedStructure)))
        })
        input.relaxations = relaxed.map {
            RelaxedCandidate(id: $0.id, outcome: $0.relaxOutcome ?? "", steps: $0.relaxSteps ?? 0,
                             energyPerAtom: $0.finalEnergyPerAtom, energyAboveHull: $0.energyAboveHull)
        }
        input.rules = rules
        input.novelty = try NoveltyChecker.materialsProject(
            elements: spec.elements, knownFormulas: try HullService(elements: spec.elements).referenceFormulas)
        let (_, records) = Evaluator.evaluate(input)

        XCTAssertEqual(records.map(\.id), relaxed.map(\.id))
        XCTAssertEqual(records.map(\.stable), relaxed.map(\.isStable))
        XCTAssertEqual(records.map(\.unique), relaxed.map { $0.isUnique ?? false })
        XCTAssertEqual(records.map(\.novel), relaxed.map(\.isNovel))
        XCTAssertEqual(records.map(\.noveltyLevel), relaxed.map(\.noveltyLevel))
        // Only unique candidates are ranked, stable ones first, then by novelty level.
        let ranked = relaxed.filter { $0.rank != nil }.sorted { $0.rank! < $1.rank! }
        XCTAssertFalse(ranked.isEmpty)
        XCTAssertTrue(ranked.allSatisfy { $0.isUnique == true })
        let keys = ranked.map { ($0.isStable == true ? 0 : 1) * 10 + ($0.noveltyLevel?.order ?? 9) }
        XCTAssertEqual(keys, keys.sorted())
        // The set exercises every verdict both ways.
        for (name, flags) in [("stable", relaxed.map { $0.isStable == true }), ("unique", relaxed.map { $0.isUnique == true }),
                              ("novel", relaxed.map { $0.isNovel == true })] {
            XCTAssertTrue(flags.contains(true) && flags.contains(false), "\(name) is the same for every candidate: \(flags)")
        }
    }
}
