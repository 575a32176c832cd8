import Foundation

/// Why a symmetry analysis failed.
public enum SymmetryError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// spglib reported a failure; `code` is its `SpglibError` value and `message` its text.
    case spglib(code: Int, message: String)
    /// The structure cannot be handed to spglib (no sites, singular lattice, non-finite values).
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .spglib(code, message): return "spglib failed (error \(code)): \(message)"
        case let .invalidInput(reason): return "invalid input for symmetry analysis: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
