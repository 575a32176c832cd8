import Foundation

/// A one-line progress bar with ETA on stderr (a line per update when stderr is not a terminal).
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive = isatty(2) != 0
    private var drawn = false

    /// Draws the bar; `eta` estimates the time left from the pace so far (for equal-sized items),
    /// counting only the items done in this run (`resumed` were done before it).
    func update(done: Int, total: Int, elapsed: Double, detail: String, eta showsETA: Bool = true, resumed: Int = 0) {
        lock.lock(); defer { lock.unlock() }
        let width = 30
        let filled = total > 0 ? width * min(done, total) / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = showsETA ? Self.remaining(done: done, total: total, elapsed: elapsed, resumed: resumed).map { " ETA " + Self.duration($0) } ?? "" : ""
        let line = "[\(bar)] \(done)/\(total) \(Self.duration(elapsed))\(eta) \(detail)"
        if interactive {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
            drawn = true
        } else {
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }

    /// Seconds left at the pace of this run's items, nil before the first or after the last.
    static func remaining(done: Int, total: Int, elapsed: Double, resumed: Int = 0) -> Double? {
        done > resumed && done < total ? elapsed / Double(done - resumed) * Double(total - done) : nil
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, t % 3600 / 60) : String(format: "%dm%02ds", t / 60, t % 60)
    }
}

/// Named steps of one long computation on a `ProgressBar`, redrawn every two seconds with the
/// elapsed time, so a step that takes minutes still shows that it is running.
final class StepProgress: @unchecked Sendable {
    private let bar = ProgressBar()
    private let label: String
    private let steps: [String]
    private let start = Date()
    private let lock = NSLock()
    private var current = 0
    private let timer = DispatchSource.makeTimerSource(queue: .global())

    init(_ label: String, steps: [String]) {
        self.label = label
        self.steps = steps
        timer.schedule(deadline: .now() + 2, repeating: 2)
        timer.setEventHandler { [weak self] in self?.draw() }
        timer.resume()
    }

    /// Step `k` (from 0) starts.
    func begin(_ k: Int) {
        lock.lock(); current = k; lock.unlock()
        draw()
    }

    /// Every step is done.
    func finish() {
        timer.cancel()
        begin(steps.count)
        bar.finish()
    }

    private func draw() {
        lock.lock(); let k = current; lock.unlock()
        bar.update(done: k, total: steps.count, elapsed: Date().timeIntervalSince(start),
                   detail: k < steps.count ? "\(label): \(steps[k])" : "\(label): done", eta: false)
    }
}
