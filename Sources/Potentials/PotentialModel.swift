/// The universal potentials Kiln judges with, by the names the CLI (`--model`) and campaign
/// files (`[relax] model`) use.
public enum PotentialModel: String, CaseIterable, Sendable {
    /// CHGNet 0.3.0 (bundled).
    case chgnet

    /// The model commands and campaigns use unless told otherwise.
    public static let `default` = PotentialModel.chgnet

    /// Loads the model's bundled weights.
    public func load() throws -> any Calculator {
        switch self {
        case .chgnet: return try CHGNet()
        }
    }

    /// Whether the model's energies already carry the MP2020 anion and +U corrections: CHGNet
    /// was trained on MPtrj's corrected energies, so correcting again would count them twice.
    public var energiesIncludeMP2020Corrections: Bool {
        switch self {
        case .chgnet: return true
        }
    }
}
