import Crystal
import Potentials

/// The single-valued physics-based properties, with their keys (the `kiln predict --property`
/// names) and units.
public enum PhysicalProperty: String, Sendable, CaseIterable {
    case bulkModulus = "bulk_modulus"
    case shearModulus = "shear_modulus"
    case eosBulkModulus = "eos_bulk_modulus"
    case magneticDensity = "magnetic_density"
    case magneticMoment = "magnetic_moment"
    case density
    case volumePerAtom = "volume_per_atom"

    public var unit: String {
        switch self {
        case .bulkModulus, .shearModulus, .eosBulkModulus: return "GPa"
        case .magneticDensity: return "µB/Å³"
        case .magneticMoment: return "µB"
        case .density: return "g/cm³"
        case .volumePerAtom: return "Å³/atom"
        }
    }
}

/// A `PropertyPredictor` for one `PhysicalProperty` from a calculator: the moduli are Hill
/// (VRH) averages of the elastic tensor (`ElasticCalculator`, σ nil), `eos_bulk_modulus` is the
/// Birch–Murnaghan B0 with its fit standard error (`EOSCalculator`), the rest come from
/// `MagneticSummary` on the structure as given (σ nil).
public struct PhysicalPropertyPredictor: PropertyPredictor {
    public var property: PhysicalProperty
    public var calculator: any Calculator
    public var elastic: ElasticCalculator
    public var eos: EOSCalculator

    public init(property: PhysicalProperty, calculator: any Calculator) {
        self.property = property
        self.calculator = calculator
        elastic = ElasticCalculator(calculator: calculator)
        eos = EOSCalculator(calculator: calculator)
    }

    public var name: String { property.rawValue }

    public func predict(_ structure: Structure) throws -> PropertyValue {
        let unit = property.unit
        switch property {
        case .bulkModulus: return PropertyValue(mean: try elastic.calculate(structure).tensor.kVRH, unit: unit)
        case .shearModulus: return PropertyValue(mean: try elastic.calculate(structure).tensor.gVRH, unit: unit)
        case .eosBulkModulus:
            let fit = try eos.calculate(structure).fit
            return PropertyValue(mean: fit.b0GPa, sigma: fit.b0StandardErrorGPa, unit: unit)
        case .magneticDensity, .magneticMoment, .density, .volumePerAtom:
            let m = try MagneticSummary(structure: structure, calculator: calculator)
            let value = [PhysicalProperty.magneticDensity: m.magneticDensity, .magneticMoment: m.totalMoment,
                         .density: m.density, .volumePerAtom: m.volumePerAtom][property]!
            return PropertyValue(mean: value, unit: unit)
        }
    }
}
