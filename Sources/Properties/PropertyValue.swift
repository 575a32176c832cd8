import Crystal

/// A predicted or computed property of one structure: a mean, an optional standard deviation in
/// the same unit, and the unit. Physics-based values have no σ unless a fit gives a standard
/// error (the equation of state's B0); learned predictors give their predictive σ.
public struct PropertyValue: Sendable, Equatable, Codable {
    public var mean: Double
    /// One standard deviation (same unit as `mean`), or nil when none is known.
    public var sigma: Double?
    public var unit: String

    public init(mean: Double, sigma: Double? = nil, unit: String) {
        self.mean = mean
        self.sigma = sigma
        self.unit = unit
    }
}

/// Anything that maps a structure to one property value: physics from a potential
/// (`PhysicalPropertyPredictor`) or a learned model. Implementations throw `PropertyError`
/// (or the calculator's error) for structures they cannot handle.
public protocol PropertyPredictor: Sendable {
    /// The property's key, e.g. "bulk_modulus".
    var name: String { get }
    func predict(_ structure: Structure) throws -> PropertyValue
}

/// Why a property could not be computed.
public enum PropertyError: Error, CustomStringConvertible, Equatable {
    /// A relaxation the property needs did not converge or failed (which, and why).
    case relaxation(String)
    /// The property is undefined for this structure or these data (why).
    case undefined(String)
    /// A fit failed (why).
    case fit(String)

    public var description: String {
        switch self {
        case .relaxation(let s): return "relaxation failed: \(s)"
        case .undefined(let s): return "property undefined: \(s)"
        case .fit(let s): return "fit failed: \(s)"
        }
    }
}
