import Foundation

/// A one-line progress bar with ETA on stderr (a line per update when stderr is not a terminal).
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive = isatty(2) != 0
    private var drawn = false

    func update(done: Int, total: Int, elapsed: Double, detail: String) {
        lock.lock(); defer { lock.unlock() }
        let width = 30
        let filled = total > 0 ? width * min(done, total) / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = done > 0 && done < total ? " ETA " + Self.duration(elapsed / Double(done) * Double(total - done)) : ""
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

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, t % 3600 / 60) : String(format: "%dm%02ds", t / 60, t % 60)
    }
}
