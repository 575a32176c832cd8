/// The universal potentials Kiln judges with, by the names the CLI (`--model`) and campaign
/// files (`[relax] model`) use.
public enum PotentialModel: String, CaseIterable, Sendable {
    /// CHGNet 0.3.0 (bundled).
    case chgnet
    /// SevenNet-0 (11Jul2024, bundled).
    case sevennet0 = "sevennet-0"
    /// SevenNet-l3i5 (bundled).
    case sevennetL3i5 = "sevennet-l3i5"

    /// The model commands and campaigns use unless told otherwise.
    public static let `default` = PotentialModel.chgnet

    /// Loads the model's bundled weights.
    public func load() throws -> any Calculator {
        switch self {
        case .chgnet: return try CHGNet()
        case .sevennet0, .sevennetL3i5: return try SevenNet(bundled: rawValue)
        }
    }

    /// Whether the model's energies already carry the MP2020 anion and +U corrections: CHGNet
    /// was trained on MPtrj's corrected energies, so correcting again would count them twice;
    /// SevenNet predicts MPtrj's raw GGA/GGA+U energies, which need them.
    public var energiesIncludeMP2020Corrections: Bool {
        switch self {
        case .chgnet: return true
        case .sevennet0, .sevennetL3i5: return false
        }
    }
}
