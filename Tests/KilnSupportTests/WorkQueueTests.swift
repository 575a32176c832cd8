import Foundation
import KilnSupport
import XCTest

final class WorkQueueTests: XCTestCase {
    struct Stop: Error, Equatable { let index: Int }

    func testMapKeepsOrderAndRunsEachItemOnce() {
        let counts = Counts(200)
        let out = WorkQueue.map(200, workers: 4) { i -> Int in
            counts.add(i)
            if i % 7 == 0 { usleep(200) }  // uneven costs
            return i * i
        }
        XCTAssertEqual(out, (0..<200).map { $0 * $0 })
        XCTAssertEqual(counts.values, [Int](repeating: 1, count: 200))
        XCTAssertEqual(WorkQueue.map(0) { $0 }, [])
    }

    func testProgressCountsEveryItemInOrder() {
        let seen = Recorder()
        WorkQueue.forEach(50, workers: 3, progress: { seen.append($0) }) { _ in usleep(100) }
        XCTAssertEqual(seen.values, Array(1...50))
        let results = Recorder()
        _ = WorkQueue.map(10, progress: { _, value in results.append(value) }) { $0 + 100 }
        XCTAssertEqual(results.values.sorted(), Array(100..<110))
    }

    func testFirstErrorStopsNewItemsAndIsRethrown() {
        let started = Counts(1000)
        XCTAssertThrowsError(try WorkQueue.forEach(1000, workers: 2) { i in
            started.add(i)
            if i == 10 { throw Stop(index: i) }
            usleep(100)
        }) { XCTAssertEqual($0 as? Stop, Stop(index: 10)) }
        // Only items already taken when the error was raised ran (at most one per other worker).
        XCTAssertLessThanOrEqual(started.values.reduce(0, +), 12)
        XCTAssertEqual(started.values[10], 1)
    }

    func testChunksCoverTheRangeOnceInBalancedPieces() {
        let counts = Counts(1001)
        let ranges = Recorder()
        WorkQueue.chunks(1001, grain: 10) { r in
            ranges.append(r.count)
            for i in r { counts.add(i) }
        }
        XCTAssertEqual(counts.values, [Int](repeating: 1, count: 1001))
        XCTAssertEqual(ranges.values.count, min(WorkQueue.workers, 100))
        XCTAssertLessThanOrEqual(ranges.values.max()! - ranges.values.min()!, 1)
        let small = Recorder()
        WorkQueue.chunks(15, grain: 10) { small.append($0.count) }
        XCTAssertEqual(small.values, [15])
    }
}

/// Per-index counters safe to bump from several threads.
final class Counts: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int]
    init(_ n: Int) { storage = [Int](repeating: 0, count: n) }
    func add(_ i: Int) { lock.lock(); storage[i] += 1; lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// Values appended from several threads.
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int] = []
    func append(_ v: Int) { lock.lock(); storage.append(v); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return storage }
}
