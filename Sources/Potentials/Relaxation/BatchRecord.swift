import Foundation

/// The summary of one structure of a batch relaxation: one journal line, one summary row.
public struct BatchRecord: Codable, Sendable, Equatable {
    public var id: String
    /// Where the input came from (file, and block for multi-structure files).
    public var source: String
    public var formula: String?
    public var nSites: Int?
    /// `converged`, `not_converged`, `failed` (see `reason`) or `error` (input unreadable or
    /// rejected by the calculator; see `reason`).
    public var outcome: String
    public var reason: String?
    public var steps: Int?
    public var calculatorCalls: Int?
    public var initialEnergyPerAtom: Double?
    public var finalEnergyPerAtom: Double?
    /// Largest generalized force row at the final state (eV/Å).
    public var finalFmax: Double?
    public var finalVolume: Double?
    public var initialSpaceGroup: String?
    public var finalSpaceGroup: String?
    /// Energy above the convex hull of the final structure (eV/atom), when a hull was given.
    public var energyAboveHull: Double?
    /// File name of the relaxed structure inside the output directory.
    public var output: String?
    public var seconds: Double
    /// The potential that relaxed it, with its version (`BatchRelaxer.model`).
    public var model: String?
    /// E_hull of the final structure by each committee model, by model name (`BatchRelaxer.committee`);
    /// a model whose single point failed is left out.
    public var committee: [String: Double]?
    /// Largest minus smallest of `energyAboveHull` and the committee's E_hulls (eV/atom).
    public var energyAboveHullSpread: Double?
    /// Fingerprint of the input's bytes when the record was made (see `BatchItem.inputHash`).
    public var inputHash: String?

    public init(id: String, source: String, outcome: String, seconds: Double) {
        self.id = id
        self.source = source
        self.outcome = outcome
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, source, formula, outcome, reason, steps, output, seconds, model
        case committee = "committee_e_above_hull"
        case energyAboveHullSpread = "e_above_hull_spread"
        case nSites = "n_sites"
        case calculatorCalls = "calculator_calls"
        case initialEnergyPerAtom = "initial_energy_per_atom"
        case finalEnergyPerAtom = "final_energy_per_atom"
        case finalFmax = "final_fmax"
        case finalVolume = "final_volume"
        case initialSpaceGroup = "initial_space_group"
        case finalSpaceGroup = "final_space_group"
        case energyAboveHull = "e_above_hull"
        case inputHash = "input_hash"
    }

    /// CSV header and the fields of a row, in a fixed column order.
    public static let csvColumns = ["id", "source", "formula", "n_sites", "outcome", "reason", "steps",
                                    "calculator_calls", "initial_energy_per_atom", "final_energy_per_atom",
                                    "final_fmax", "final_volume", "initial_space_group", "final_space_group",
                                    "e_above_hull", "output", "seconds", "model", "e_above_hull_spread", "committee_e_above_hull"]

    public var csvFields: [String] {
        func d(_ x: Double?, _ digits: Int = 6) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "" }
        return [id, source, formula ?? "", nSites.map(String.init) ?? "", outcome, reason ?? "",
                steps.map(String.init) ?? "", calculatorCalls.map(String.init) ?? "",
                d(initialEnergyPerAtom), d(finalEnergyPerAtom), d(finalFmax), d(finalVolume, 4),
                initialSpaceGroup ?? "", finalSpaceGroup ?? "", d(energyAboveHull), output ?? "", d(seconds, 3), model ?? "",
                d(energyAboveHullSpread), (committee ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \(d($0.value))" }.joined(separator: "; ")]
    }
}
