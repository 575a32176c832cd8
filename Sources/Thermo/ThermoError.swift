/// Errors raised by the Thermo module; each names what was wrong.
public enum ThermoError: Error, Equatable, CustomStringConvertible {
    /// No entries were given.
    case emptySystem
    /// Elements that occur in entries but have no pure-element entry.
    case missingElementalReference([String])
    /// An entry whose energy or composition cannot be used.
    case invalidEntry(id: String, reason: String)
    /// A composition with elements the phase diagram does not cover.
    case outsideDiagram(formula: String, missing: [String])
    /// A malformed input file or line.
    case invalidInput(String)

    public var description: String {
        switch self {
        case .emptySystem:
            return "no entries: a phase diagram needs at least one entry"
        case .missingElementalReference(let els):
            return "no elemental reference entry for \(els.joined(separator: ", ")) "
                + "(every element needs at least one pure-element entry)"
        case .invalidEntry(let id, let reason):
            return "invalid entry '\(id)': \(reason)"
        case .outsideDiagram(let f, let missing):
            return "\(f) contains \(missing.joined(separator: ", ")), which the phase diagram has no entries for"
        case .invalidInput(let r):
            return r
        }
    }
}
