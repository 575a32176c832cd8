@testable import KilnCommands
import XCTest

/// The time left counts only the items done in this run, so a resumed run's estimate is not
/// flattered by the items it found finished.
final class ProgressBarTests: XCTestCase {
    func testRemainingTimeUsesThisRunsPace() throws {
        XCTAssertEqual(try XCTUnwrap(ProgressBar.remaining(done: 10, total: 40, elapsed: 5)), 15, accuracy: 1e-12)
        // 25,000 of 36,737 found on disk, 1,000 more in 100 s: 10,737 left at 10 per second.
        XCTAssertEqual(try XCTUnwrap(ProgressBar.remaining(done: 26_000, total: 36_737, elapsed: 100, resumed: 25_000)), 1_073.7, accuracy: 1e-9)
        XCTAssertNil(ProgressBar.remaining(done: 25_000, total: 36_737, elapsed: 1, resumed: 25_000), "no pace yet")
        XCTAssertNil(ProgressBar.remaining(done: 40, total: 40, elapsed: 9), "finished")
        XCTAssertEqual(ProgressBar.duration(1_073.7), "17m54s")
    }
}
