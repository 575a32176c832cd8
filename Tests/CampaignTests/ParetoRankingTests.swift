import Campaign
import KilnTestSupport
import XCTest

/// `ParetoRanking` against pymoo 0.6.2 (Tests/Fixtures/pareto.json.gz, from
/// scripts/make_pareto_fixture.py): the same fronts, index for index, and the same crowding
/// distances to 1e-12 (the same sums in the same order; only rounding could differ).
final class ParetoRankingTests: XCTestCase {
    func testFrontsAndCrowdingMatchPymoo() throws {
        let fixture = try XCTUnwrap(try Fixtures.json("pareto") as? [String: Any])
        let cases = try XCTUnwrap(fixture["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 7)
        for (n, c) in cases.enumerated() {
            let points = try XCTUnwrap(c["points"] as? [[Double]])
            let fronts = ParetoRanking.fronts(points)
            XCTAssertEqual(fronts, try XCTUnwrap(c["fronts"] as? [[Int]]), "case \(n)")
            let expected = try XCTUnwrap(c["crowding"] as? [[Any]])
            for (front, want) in zip(fronts, expected) {
                for (ours, theirs) in zip(ParetoRanking.crowdingDistances(points, front: front), want) {
                    if let t = theirs as? Double {
                        XCTAssertEqual(ours, t, accuracy: 1e-12, "case \(n)")
                    } else {
                        XCTAssertEqual(ours, .infinity, "case \(n)")
                    }
                }
            }
        }
    }

    func testDominanceAndRanks() {
        XCTAssertTrue(ParetoRanking.dominates([1, 2], [1, 3]))
        XCTAssertFalse(ParetoRanking.dominates([1, 2], [1, 2]), "equal points do not dominate each other")
        XCTAssertFalse(ParetoRanking.dominates([1, 3], [2, 2]))
        let ranks = ParetoRanking.rank([[0, 1], [1, 0], [1, 1], [2, 2], [0.5, 0.5]])
        XCTAssertEqual(ranks.map(\.front), [0, 0, 1, 2, 0])
        XCTAssertEqual(ranks[0].crowding, .infinity)
        XCTAssertEqual(ranks[4].crowding, 1, accuracy: 1e-12, "middle of three: gaps 1 in both objectives, over 2 objectives")
        XCTAssertTrue(ParetoRanking.rank([]).isEmpty)
    }
}
