import Learning
import ReferenceData

/// The learned properties (`kiln train` / `kiln predict --property` keys), trained on the bundled
/// legacy Materials Project set (`ReferenceStructures.mp()`: band gaps and formation energies).
public enum LearnedProperty: String, Sendable, CaseIterable, Codable {
    /// Band gap (eV), regression; predictions are clipped at 0.
    case bandGap = "band_gap"
    /// Formation energy (eV/atom, legacy MP corrections), regression.
    case formationEnergy = "formation_energy"
    /// Probability that the material is a metal (band gap = 0), classification.
    case isMetal = "is_metal"

    public var unit: String {
        switch self {
        case .bandGap: return "eV"
        case .formationEnergy: return "eV/atom"
        case .isMetal: return "probability"
        }
    }

    public var loss: BoostingLoss { self == .isMetal ? .logistic : .squaredError }

    /// The training target of a reference record (metal = 1), or nil when the record has none.
    func target(bandGap: Double?, formationEnergy: Double?) -> Double? {
        switch self {
        case .bandGap: return bandGap
        case .formationEnergy: return formationEnergy
        case .isMetal: return bandGap.map { $0 == 0 ? 1 : 0 }
        }
    }

    /// A model output made physical (band gaps are not negative).
    func bounded(_ x: Double) -> Double { self == .bandGap ? max(x, 0) : x }
}
