import Crystal

/// What a calculator can be asked for.
public struct Properties: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let energy = Properties(rawValue: 1)
    public static let forces = Properties(rawValue: 2)
    public static let stress = Properties(rawValue: 4)
    public static let magmoms = Properties(rawValue: 8)
    public static let all: Properties = [.energy, .forces, .stress, .magmoms]
}

/// The answer of a single-point calculation (ASE's calculator results, in ASE/CHGNet units).
public struct CalculationResult: Sendable {
    /// Total energy of the cell (eV).
    public var energy: Double
    /// Forces on each site, −∂E/∂r (eV/Å); empty when not requested.
    public var forces: [Vec3]
    /// Stress σ = (1/V)·∂E/∂ε in GPa, ASE's and CHGNet's sign (positive = tensile);
    /// nil when not requested.
    public var stress: Matrix3?
    /// Magnetic moments per site (µB); empty when the model has none.
    public var magmoms: [Double]

    public init(energy: Double, forces: [Vec3] = [], stress: Matrix3? = nil, magmoms: [Double] = []) {
        self.energy = energy
        self.forces = forces
        self.stress = stress
        self.magmoms = magmoms
    }
}

/// A potential-energy model in the spirit of ASE's calculator: structure in; energy, forces,
/// stress and magnetic moments out. Implementations reject structures they cannot handle
/// (unsupported elements, overlapping atoms, graphs too large) by throwing `CalculatorError`.
public protocol Calculator: Sendable {
    /// A short name for provenance, e.g. "CHGNet 0.3.0".
    var name: String { get }
    func calculate(_ structure: Structure, properties: Properties) throws -> CalculationResult
}

/// Why a calculator refused or failed a structure.
public enum CalculatorError: Error, CustomStringConvertible {
    case unsupportedElement(String)
    case invalidStructure(String)
    case graphTooLarge(String)
    case modelFile(String)

    public var description: String {
        switch self {
        case .unsupportedElement(let s): return "unsupported element: \(s)"
        case .invalidStructure(let s): return "invalid structure: \(s)"
        case .graphTooLarge(let s): return "structure refused, its graph would be too large: \(s)"
        case .modelFile(let s): return "model file problem: \(s)"
        }
    }
}
