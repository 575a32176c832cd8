/// Errors raised by the crystal core; each names what was wrong.
public enum CrystalError: Error, Equatable, CustomStringConvertible {
    case unknownElement(String)
    case invalidFormula(String, reason: String)
    case invalidLattice(String)
    case invalidStructure(String)

    public var description: String {
        switch self {
        case .unknownElement(let s): return "unknown element symbol '\(s)'"
        case .invalidFormula(let f, let reason): return "invalid formula '\(f)': \(reason)"
        case .invalidLattice(let r): return "invalid lattice: \(r)"
        case .invalidStructure(let r): return "invalid structure: \(r)"
        }
    }
}
