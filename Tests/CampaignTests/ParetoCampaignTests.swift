import Campaign
import Crystal
import Foundation
import Potentials
import XCTest

/// A campaign ranked by Pareto fronts over E_hull and supply risk: the stored fronts are the
/// non-dominated sort of the ranked candidates, ranks follow the fronts, and the CSV and the
/// report carry them.
final class ParetoCampaignTests: XCTestCase {
    func testParetoRankingOfARealCampaign() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-pareto-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try CampaignSpec(name: "pareto", chemicalSystems: [["Li", "Fe", "O"].map { try Element($0) }],
                                    generators: [.init(kind: .substitution, budget: 12, seed: 2)], maxAtoms: 8,
                                    stabilityMargin: .fixed(0), ranking: .init(method: .pareto, objectives: [.eHull, .supplyRisk]),
                                    relaxSteps: 150)
        var runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(try CHGNet()))
        runner.workers = 2
        let summary = try runner.run()
        let records = try KnowledgeStore(path: summary.store).all().filter { $0.rank != nil }
        XCTAssertGreaterThan(records.count, 2, "a few ranked candidates to order")
        let points = records.map { [$0.energyAboveHull!, $0.hhi!] }
        let fronts = ParetoRanking.fronts(points)
        for (f, front) in fronts.enumerated() {
            for i in front { XCTAssertEqual(records[i].paretoFront, f + 1, records[i].id) }
        }
        // nothing ranked dominates a first-front candidate, and ranks never go back to an earlier front
        for a in records where a.paretoFront == 1 {
            XCTAssertFalse(records.contains { ParetoRanking.dominates([$0.energyAboveHull!, $0.hhi!], [a.energyAboveHull!, a.hhi!]) })
        }
        let byRank = records.sorted { $0.rank! < $1.rank! }
        XCTAssertEqual(byRank.map { $0.paretoFront! }, byRank.map { $0.paretoFront! }.sorted())
        XCTAssertEqual(byRank.map(\.rank!), Array(1...records.count))

        let csv = try String(contentsOfFile: summary.csv, encoding: .utf8)
        XCTAssertTrue(csv.split(separator: "\n")[0].hasSuffix("pareto_front,pareto_crowding"))
        let report = try String(contentsOfFile: summary.report, encoding: .utf8)
        XCTAssertTrue(report.contains("<h2 id=\"pareto\">Pareto ranking</h2>"))
        XCTAssertEqual(report.components(separatedBy: "class=\"pareto-mark\"").count - 1, records.count, "one mark per ranked candidate")
    }
}
