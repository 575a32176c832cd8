import XCTest
import Matching

final class LinearAssignmentTests: XCTestCase {
    /// Optimal cost equals brute force over all permutations, square and rectangular.
    func testMatchesBruteForce() {
        var rng = SystemRandomNumberGenerator()
        for (rows, cols) in [(1, 1), (3, 3), (5, 5), (4, 6), (6, 6), (2, 5)] {
            for _ in 0..<20 {
                let cost = (0..<(rows * cols)).map { _ in Double(Int.random(in: 0..<10, using: &rng)) }
                let solution = try! XCTUnwrap(LinearAssignment.solve(cost, rows: rows, cols: cols))
                XCTAssertEqual(Set(solution).count, rows)
                let got = solution.enumerated().reduce(0) { $0 + cost[$1.offset * cols + $1.element] }
                XCTAssertEqual(got, Self.bruteForce(cost, rows: rows, cols: cols))
            }
        }
    }

    /// SciPy's tie rule: a constant matrix gives the identity assignment.
    func testConstantMatrixGivesIdentity() {
        XCTAssertEqual(LinearAssignment.solve([Double](repeating: 1, count: 16), rows: 4, cols: 4), [0, 1, 2, 3])
    }

    static func bruteForce(_ cost: [Double], rows: Int, cols: Int) -> Double {
        var best = Double.infinity
        func go(_ r: Int, _ used: Set<Int>, _ sum: Double) {
            if r == rows { best = min(best, sum); return }
            for c in 0..<cols where !used.contains(c) { go(r + 1, used.union([c]), sum + cost[r * cols + c]) }
        }
        go(0, [], 0)
        return best
    }
}
