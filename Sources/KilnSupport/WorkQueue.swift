import Dispatch
import Foundation

/// Kiln's parallel loops, all on Dispatch's worker pool.
///
/// - `map` / `forEach`: items of uneven cost (relaxations, structure matches): each worker
///   pulls the next index when it finishes one, so a slow item never holds up a fixed share.
///   Results keep the input order; `progress` reports each finished item; after the first error
///   no further item starts and the error is rethrown once running items finish.
/// - `chunks`: kernels over many cheap elements: one contiguous range per worker.
///
/// Workers: `workers` (the active processor count, at most 8) unless a call asks for fewer.
/// Dispatch runs at most one worker per core, so asking for more does not add concurrency, and a
/// loop nested in a parallel one runs with fewer threads (serially once the outer loop fills
/// the cores) instead of oversubscribing them.
///
/// Stacks: Dispatch's worker threads get the process's default thread stack (RLIMIT_STACK,
/// 8 MB on Linux unless lowered; 512 KB on macOS), and that is enough: measured on a thread
/// whose stack was pre-filled with a pattern (debug build, where frames are largest), a CHGNet
/// relaxation touches at most 173 KB with the fused engine and 155 KB with the Tensor engine,
/// the same for 24, 30 and 240 sites (no recursion grows with the structure). So no loop needs
/// threads of its own with bigger stacks.
public enum WorkQueue {
    /// Worker count: the active processor count, capped at 8 (more cores do not pay for the
    /// synchronisation on the kernels' short loops).
    public static let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

    /// `transform(i)` for every `i` in `0..<count`, in parallel, results in index order.
    /// `progress(finished, result)` is called after each item, one call at a time, with the
    /// number finished so far.
    public static func map<T, E: Error>(
        _ count: Int, workers: Int = workers, progress: ((_ finished: Int, _ result: T) -> Void)? = nil,
        _ transform: (Int) throws(E) -> T
    ) throws(E) -> [T] {
        guard count > 0 else { return [] }
        let state = PullState<E>()
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let slots = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
                while let i = state.next(below: count) {
                    switch Result(catching: { () throws(E) -> T in try transform(i) }) {
                    case .success(let value):
                        slots[i] = value
                        state.finish { progress?($0, value) }
                    case .failure(let error):
                        state.fail(error)
                    }
                }
            }
        }
        if let error = state.error { throw error }
        return results.map { $0! }
    }

    /// `body(i)` for every `i` in `0..<count`, in parallel; `progress(finished)` after each item.
    public static func forEach<E: Error>(
        _ count: Int, workers: Int = workers, progress: ((_ finished: Int) -> Void)? = nil,
        _ body: (Int) throws(E) -> Void
    ) throws(E) {
        _ = try map(count, workers: workers, progress: progress.map { p in { done, _ in p(done) } }, body)
    }

    /// Calls `body` on contiguous, disjoint, nearly equal ranges covering `0..<count`: one per
    /// worker, but only as many as give each at least `grain` items (one range, on the calling
    /// thread, for small counts).
    @inlinable
    public static func chunks(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let parts = min(workers, count / max(grain, 1))
        if parts <= 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            body((count * p / parts)..<(count * (p + 1) / parts))
        }
    }
}

/// The next index, the finished count and the first error, shared by a loop's workers.
private final class PullState<E: Error>: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var finished = 0
    private var firstError: E?

    var error: E? { lock.lock(); defer { lock.unlock() }; return firstError }

    /// The next index to run, or nil when all are taken or an item failed.
    func next(below count: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard firstError == nil, nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    /// Counts a finished item and reports the count while holding the lock (so reports arrive in order).
    func finish(_ report: (Int) -> Void) {
        lock.lock(); defer { lock.unlock() }
        finished += 1
        report(finished)
    }

    func fail(_ e: E) {
        lock.lock(); defer { lock.unlock() }
        if firstError == nil { firstError = e }
    }
}
