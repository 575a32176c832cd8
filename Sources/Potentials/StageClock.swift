import Dispatch

/// Wall time of consecutive stages of one computation, for profiling (`CHGNet.stageTimes`).
final class StageClock {
    private(set) var stages: [(stage: String, seconds: Double)] = []
    private var last = DispatchTime.now().uptimeNanoseconds

    /// Ends the current stage as `name` and starts the next.
    func mark(_ name: @autoclosure () -> String) {
        let now = DispatchTime.now().uptimeNanoseconds
        stages.append((name(), Double(now - last) / 1e9))
        last = now
    }
}
