/// A bundled data file is missing or unreadable (a broken build or installation, not bad user input).
public enum ReferenceDataError: Error, CustomStringConvertible {
    case corrupt(String)

    public var description: String {
        switch self {
        case .corrupt(let why): return "bundled reference data: \(why)"
        }
    }
}
