import Crystal
import Potentials
import Properties

/// The one map from a campaign's target properties to what computes them: a screening predictor
/// (on the generated structure, before relaxation) and a final one (on the relaxed structure) per
/// learned property, and the elastic moduli. Swap a predictor here to change it everywhere in a
/// campaign; its `name` enters the campaign fingerprint.
public struct TargetPredictors: Sendable {
    /// Before relaxation, for `TargetProperty.Stage.learned` keys.
    public var screening: [TargetProperty: any PropertyPredictor]
    /// After relaxation, for the same keys.
    public var final: [TargetProperty: any PropertyPredictor]
    /// Bulk and shear modulus (GPa) of a relaxed structure; run once per unique candidate with
    /// E_hull ≤ the stability threshold.
    public var moduli: @Sendable (Structure) throws -> (bulk: PropertyValue, shear: PropertyValue)

    public init(screening: [TargetProperty: any PropertyPredictor], final: [TargetProperty: any PropertyPredictor],
                moduli: @escaping @Sendable (Structure) throws -> (bulk: PropertyValue, shear: PropertyValue)) {
        self.screening = screening
        self.final = final
        self.moduli = moduli
    }

    /// The standard predictors for `properties`: the bundled composition models
    /// (`LearnedPropertyPredictor`) before relaxation, the bundled structure models (composition and
    /// one CHGNet pass over the relaxed structure; `calculator` when it is CHGNet) after it, and the
    /// Hill moduli of `ElasticCalculator` with `calculator`.
    public static func standard(for properties: [TargetProperty], calculator: any Calculator) throws -> TargetPredictors {
        var screening: [TargetProperty: any PropertyPredictor] = [:], final = screening
        for p in properties where p.stage == .learned {
            let property = LearnedProperty(rawValue: p.rawValue)!
            screening[p] = try LearnedPropertyPredictor(property: property)
            final[p] = try LearnedPropertyPredictor(property: property, features: .structure, chgnet: calculator as? CHGNet)
        }
        let elastic = ElasticCalculator(calculator: calculator)
        return TargetPredictors(screening: screening, final: final) { structure in
            let t = try elastic.calculate(structure).tensor
            return (PropertyValue(mean: t.kVRH, unit: PhysicalProperty.bulkModulus.unit),
                    PropertyValue(mean: t.gVRH, unit: PhysicalProperty.shearModulus.unit))
        }
    }
}
