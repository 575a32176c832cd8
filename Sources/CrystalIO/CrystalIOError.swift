/// A file that could not be read or written, with where and why.
public struct CrystalIOError: Error, Equatable, CustomStringConvertible {
    /// File name or URL path (or "<string>" for text given directly).
    public var file: String
    /// 1-based line number, when the problem sits on one line.
    public var line: Int?
    /// What is wrong.
    public var reason: String

    public init(file: String, line: Int? = nil, _ reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}
