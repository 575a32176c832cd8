import Crystal
import Foundation
import Properties

/// A property a campaign can target (the keys of `[targets]`, docs/campaign.md).
public enum TargetProperty: String, Sendable, CaseIterable, Codable {
    /// Learned: the bundled composition models before relaxation, the structure models after (`TargetPredictors` can swap them).
    case bandGap = "band_gap", formationEnergy = "formation_energy", isMetal = "is_metal"
    /// Hill averages of the elastic tensor from the campaign's calculator.
    case bulkModulus = "bulk_modulus", shearModulus = "shear_modulus"
    /// From the relaxed structure and its stored magnetic moments.
    case magneticDensity = "magnetic_density", density, volumePerAtom = "volume_per_atom"
    /// Composition-averaged HHI of production and crustal abundance (ppm), from the element table.
    case hhi, abundance

    /// When a property's value is known.
    public enum Stage: Sendable {
        /// Exact from the composition: before relaxation, σ = 0.
        case composition
        /// A learned predictor: on the generated structure before relaxation, again on the relaxed one.
        case learned
        /// From the relaxed structure (and its magnetic moments), σ = 0.
        case relaxed
        /// The elastic tensor: only for unique candidates with E_hull ≤ the stability threshold.
        case elastic
    }

    public var stage: Stage {
        switch self {
        case .hhi, .abundance: .composition
        case .bandGap, .formationEnergy, .isMetal: .learned
        case .magneticDensity, .density, .volumePerAtom: .relaxed
        case .bulkModulus, .shearModulus: .elastic
        }
    }

    public var unit: String {
        switch self {
        case .bandGap: LearnedProperty.bandGap.unit
        case .formationEnergy: LearnedProperty.formationEnergy.unit
        case .isMetal: LearnedProperty.isMetal.unit
        case .bulkModulus: PhysicalProperty.bulkModulus.unit
        case .shearModulus: PhysicalProperty.shearModulus.unit
        case .magneticDensity: PhysicalProperty.magneticDensity.unit
        case .density: PhysicalProperty.density.unit
        case .volumePerAtom: PhysicalProperty.volumePerAtom.unit
        case .hhi: "HHI"
        case .abundance: "ppm"
        }
    }

    /// Composition-averaged HHI of production (0–10,000).
    static func hhi(_ c: Composition) -> Double {
        c.fractional.items.reduce(0) { $0 + $1.1 * ($1.0.data.hhiProduction ?? 0) }
    }

    /// Composition-averaged crustal abundance (ppm, mg/kg).
    static func abundance(_ c: Composition) -> Double {
        c.fractional.items.reduce(0) { $0 + $1.1 * ($1.0.data.crustalAbundance ?? 0) }
    }
}

extension CampaignSpec {
    /// A property window a candidate should fall in (`[targets] band_gap = { min = 1, max = 3 }`).
    public struct Target: Sendable, Equatable {
        /// How a target acts (docs/campaign.md, "Targets").
        public enum Use: String, Sendable, CaseIterable {
            /// A hard filter: the final mean must lie in the window; before relaxation a candidate
            /// whose probability of meeting it is below `min_probability` is screened out.
            case constraint
            /// Minimise the distance of the final mean outside the window (0 inside; the property's unit).
            case objective
            /// Maximise P(min ≤ X ≤ max) under the predictor's Normal(mean, σ).
            case probability
        }

        public var property: TargetProperty
        public var min: Double?
        public var max: Double?
        public var use: Use

        /// Throws `CampaignSpecError` (key `targets.<property>`) unless a bound is given and min ≤ max.
        public init(_ property: TargetProperty, min: Double? = nil, max: Double? = nil, use: Use = .objective) throws {
            self.property = property
            self.min = min
            self.max = max
            self.use = use
            let key = "targets.\(property.rawValue)"
            guard min != nil || max != nil else { throw CampaignSpecError(key: key, reason: "give min, max or both") }
            if let lo = min, let hi = max, lo > hi { throw CampaignSpecError(key: key, reason: "min \(lo) is above max \(hi)") }
            if [min, max].contains(where: { $0.map { !$0.isFinite } ?? false }) {
                throw CampaignSpecError(key: key, reason: "bounds must be finite numbers")
            }
        }

        /// The window as text, e.g. "1–3 eV", "≥ 100 GPa".
        public var window: String {
            switch (min, max) {
            case let (lo?, hi?): "\(lo)–\(hi) \(property.unit)"
            case let (lo?, nil): "≥ \(lo) \(property.unit)"
            case let (nil, hi?): "≤ \(hi) \(property.unit)"
            case (nil, nil): "any"
            }
        }

        public func contains(_ x: Double) -> Bool { (min.map { x >= $0 } ?? true) && (max.map { x <= $0 } ?? true) }

        /// How far `x` lies outside the window (0 inside), in the property's unit.
        public func distance(_ x: Double) -> Double { Swift.max(0, (min ?? x) - x, x - (max ?? x)) }

        /// P(min ≤ X ≤ max). For `is_metal` X is the metal indicator, Bernoulli(mean); otherwise
        /// X ~ Normal(mean, σ), Φ((max − mean)/σ) − Φ((min − mean)/σ), and 0 or 1 when σ is 0 or unknown.
        public func probability(_ v: PropertyValue) -> Double {
            if property == .isMetal {
                let p = Swift.min(Swift.max(v.mean, 0), 1)
                return (contains(1) ? p : 0) + (contains(0) ? 1 - p : 0)
            }
            guard let s = v.sigma, s > 0 else { return contains(v.mean) ? 1 : 0 }
            func cdf(_ x: Double?, _ otherwise: Double) -> Double { x.map { 0.5 * erfc(-($0 - v.mean) / (s * 2.0.squareRoot())) } ?? otherwise }
            return Swift.max(0, cdf(max, 1) - cdf(min, 0))
        }
    }
}
