import Foundation
import KilnSupport

/// The hyperparameters of a CHGNet checkpoint that the Swift pass needs, read from its
/// `config.json` (the rest of the architecture is fixed by the tensor shapes).
public struct CHGNetConfig: Sendable, Decodable {
    /// Model version, e.g. "0.3.0".
    public var version: String
    /// Atom-graph cutoff r_a (Å): neighbours at distance ≤ r_a (+1e-8).
    public var atomGraphCutoff: Double
    /// Bond-graph cutoff r_b (Å): bonds ≤ r_b form angles with partners < r_b.
    public var bondGraphCutoff: Double
    /// Exponent p of the smooth radial envelope.
    public var cutoffCoefficient: Int
    /// Factor applied to cos θ before arccos.
    public var angleCosineScale: Double
    /// eV/Å³ → GPa.
    public var stressUnitFactor: Double

    enum CodingKeys: String, CodingKey {
        case version
        case atomGraphCutoff = "atom_graph_cutoff"
        case bondGraphCutoff = "bond_graph_cutoff"
        case cutoffCoefficient = "cutoff_coeff"
        case angleCosineScale = "angle_cosine_scale"
        case stressUnitFactor = "stress_unit_factor_eV_per_A3_to_GPa"
    }

    /// Reads and checks a `config.json`.
    public init(contentsOf url: URL) throws {
        do {
            self = try JSONDecoder().decode(CHGNetConfig.self, from: Data(contentsOf: url))
        } catch {
            throw CalculatorError.modelFile("\(url.path): \(ErrorText.describe(error))")
        }
        guard atomGraphCutoff > 0, bondGraphCutoff > 0, bondGraphCutoff <= atomGraphCutoff,
              cutoffCoefficient > 0 else {
            throw CalculatorError.modelFile("\(url.path): cutoffs must satisfy 0 < bond ≤ atom cutoff")
        }
    }
}
