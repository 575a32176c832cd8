import ArgumentParser
import Foundation
import KilnSupport

/// Clocks and table formatting shared by the benchmarks.
enum Timing {
    /// Refuses fewer than one timed run.
    static func validate(repeats: Int, option: String = "--repeats") throws {
        guard repeats >= 1 else { throw ValidationError("\(option) must be at least 1") }
    }

    /// Monotonic wall clock (s).
    static func wallSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// CPU time of the whole process, all threads (s).
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// The fastest wall time of `repeats` runs of `body` and their mean process CPU time (s).
    static func best(_ repeats: Int, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        var best = Double.infinity
        let cpuStart = cpuSeconds()
        for _ in 0..<repeats {
            let start = wallSeconds()
            try body()
            best = min(best, wallSeconds() - start)
        }
        return (best, (cpuSeconds() - cpuStart) / Double(repeats))
    }

    static func median(_ x: [Double]) -> Double { x.median ?? .nan }

    /// Peak resident memory of the process (MB).
    static func peakMemoryMB() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024  // kB on Linux
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / 1_048_576  // bytes on macOS
        #endif
    }

    /// `s` padded with spaces to `width` columns (at least one space follows a left-aligned cell).
    static func pad(_ s: String, _ width: Int, alignRight: Bool = false) -> String {
        alignRight ? String(repeating: " ", count: max(0, width - s.count)) + s
            : s + String(repeating: " ", count: max(1, width - s.count))
    }
}
