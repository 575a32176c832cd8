import Dispatch
import Foundation

/// Splits large loops across the machine's cores.
enum Parallel {
    /// Worker count: the active processor count, capped at 8.
    static let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

    /// Calls `body` on disjoint ranges covering `0..<count`, concurrently when each
    /// worker would get at least `grain` items, serially otherwise.
    @inline(__always)
    static func chunks(_ count: Int, grain: Int = 1 << 15, _ body: (Range<Int>) -> Void) {
        let parts = min(workers, count / max(grain, 1))
        if parts <= 1 {
            body(0..<count)
            return
        }
        let size = (count + parts - 1) / parts
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let start = part * size
            body(start..<min(start + size, count))
        }
    }
}
