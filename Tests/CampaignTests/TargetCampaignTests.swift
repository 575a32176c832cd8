import Campaign
import Crystal
import Foundation
import Potentials
import XCTest

/// A real `[targets]` campaign with CHGNet (slow: in the Makefile's SLOW_SUITES): the standard
/// elastic predictor runs once per stable unique candidate, a rerun repeats none, and the moduli
/// are physical.
final class TargetCampaignTests: XCTestCase {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        var count: Int { lock.withLock { n } }
        func add() { lock.withLock { n += 1 } }
    }

    func testElasticTargetsWithCHGNet() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-target-campaign-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try CampaignSpec(name: "elastic", chemicalSystems: [[try Element("Na"), try Element("Cl")]],
                                    generators: [.init(kind: .substitution, budget: 6, seed: 1)], maxAtoms: 4,
                                    stabilityMargin: .fixed(0), relaxSteps: 200,
                                    targets: [try .init(.bulkModulus, min: 20, use: .probability)])
        let chgnet = try CHGNet()
        let standard = try TargetPredictors.standard(for: [.bulkModulus], calculator: chgnet)
        func runner(_ counter: Counter) -> CampaignRunner {
            var r = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(chgnet))
            var predictors = standard
            predictors.moduli = { s in
                counter.add()
                return try standard.moduli(s)
            }
            r.targetPredictors = predictors
            return r
        }
        let first = Counter()
        let summary = try runner(first).run()
        let all = try KnowledgeStore(path: summary.store).all()
        let survivors = all.filter { $0.isUnique == true && $0.energyAboveHull! <= spec.stabilityThreshold }
        XCTAssertFalse(survivors.isEmpty)
        XCTAssertEqual(first.count, survivors.count, "one elastic tensor per stable unique candidate")
        XCTAssertEqual(all.filter { $0.properties?["bulk_modulus"] != nil }.map(\.id), survivors.map(\.id))
        // Rock-salt NaCl: experiment 24–25 GPa; GGA-trained potentials give ±30 %.
        let rockSalt = try XCTUnwrap(survivors.first { $0.spaceGroupAfter == "Fm-3m (225)" })
        XCTAssertEqual(try XCTUnwrap(rockSalt.properties?["bulk_modulus"]).mean, 25, accuracy: 8)

        let second = Counter()
        _ = try runner(second).run()
        XCTAssertEqual(second.count, 0, "a rerun repeats no elastic tensor")
        XCTAssertEqual(try KnowledgeStore(path: summary.store).all().map { $0.properties?["bulk_modulus"] },
                       all.map { $0.properties?["bulk_modulus"] })
    }
}
