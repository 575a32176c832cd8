import Crystal
import Foundation
import Properties

/// The features the synthesizability model reads: Magpie composition features
/// (`CompositionFeatures`, matminer's order) and five of oxidation-state plausibility.
public enum SynthesizabilityFeatures {
    /// The oxidation features, after the Magpie ones.
    public static let oxidationNames = [
        "charge balanced (SMACT, ICSD-24 states)", "charge balanced (SMACT, common states)",
        "oxidation neutral probability", "log10 most probable assignment", "atoms in reduced formula",
    ]

    /// Feature names in order.
    public static let names = CompositionFeatures.names + oxidationNames

    /// The feature row of a composition (amounts need not be reduced).
    public static func features(of composition: Composition) throws -> [Double] {
        let magpie: [Double]
        do { magpie = try CompositionFeatures.features(of: composition) } catch {
            throw SynthesisError("\(composition.formula): \(error)")
        }
        let oxidation = OxidationPlausibility(composition)
        return magpie + [
            oxidation.chargeBalanced ? 1 : 0,
            ChargeBalance.isNeutral(composition, states: .common) ? 1 : 0,
            oxidation.neutralProbability,
            oxidation.assignment == nil ? .nan : log10(oxidation.assignmentProbability),
            composition.reduced.numAtoms,
        ]
    }
}
