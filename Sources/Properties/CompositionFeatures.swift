import Crystal
import Foundation

/// Magpie composition features (Ward et al. 2016) as matminer 0.10.1 computes them, in
/// matminer's order: `ElementProperty.from_preset("magpie")` (22 elemental properties × minimum,
/// maximum, range, mean, avg_dev, mode), `Stoichiometry()` (p-norms p = 0, 2, 3, 5, 7, 10) and
/// `ValenceOrbital()` (mean s, p, d, f valence electrons and their fractions of the mean valence).
/// Like matminer (`impute_nan=True`), an element missing a tabulated value gets that property's
/// mean over all elements that have one.
public enum CompositionFeatures {
    /// The 22 elemental properties of matminer's "magpie" preset.
    public static let elementProperties = [
        "Number", "MendeleevNumber", "AtomicWeight", "MeltingT", "Column", "Row", "CovalentRadius",
        "Electronegativity", "NsValence", "NpValence", "NdValence", "NfValence", "NValence", "NsUnfilled",
        "NpUnfilled", "NdUnfilled", "NfUnfilled", "NUnfilled", "GSvolume_pa", "GSbandgap", "GSmagmom",
        "SpaceGroupNumber",
    ]
    static let statistics = ["minimum", "maximum", "range", "mean", "avg_dev", "mode"]
    static let norms = [0, 2, 3, 5, 7, 10]
    static let orbitals = ["s", "p", "d", "f"]

    /// Feature names in matminer's label style ("MagpieData mean Number", "2-norm", "frac s valence electrons").
    public static let names: [String] =
        elementProperties.flatMap { p in statistics.map { "MagpieData \($0) \(p)" } }
        + norms.map { "\($0)-norm" }
        + ["avg", "frac"].flatMap { k in orbitals.map { "\(k) \($0) valence electrons" } }

    /// How a statistic treats an element that lacks a tabulated Magpie value.
    public enum MissingValues: Sendable {
        /// The value is the property's mean over all elements that have one (matminer's featurizers).
        case imputed
        /// Every statistic of that property is NaN, the mode only when a value it picks from is
        /// missing (matminer's raw `ElementProperty` output, as CDVAE's `CompScaler` takes it).
        case nan
    }

    /// The features of a composition (amounts need not be normalised).
    public static func features(of composition: Composition) throws -> [Double] {
        let items = composition.items.filter { $0.1 > Composition.amountTolerance }
        guard !items.isEmpty else { throw PropertyError.undefined("empty composition") }
        let elements = items.map(\.0), weights = items.map(\.1)
        let total = weights.reduce(0, +)
        func mean(_ v: [Double]) -> Double { zip(v, weights).reduce(0) { $0 + $1.0 * $1.1 } / total }

        var out = magpieStatistics(of: composition, missing: .imputed)
        for p in norms {
            out.append(p == 0 ? Double(items.count)
                : pow(weights.reduce(0) { $0 + pow($1 / total, Double(p)) }, 1 / Double(p)))
        }
        let orbital = orbitals.map { o in mean(elements.map { value("N\(o)Valence", $0) }) }
        let valence = mean(elements.map { value("NValence", $0) })
        return out + orbital + orbital.map { $0 / valence }
    }

    /// The 22 × 6 statistics of `ElementProperty.from_preset("magpie")` (minimum, maximum, range,
    /// mean, avg_dev, mode of each property, weighted by the amounts; the mode is the smallest value
    /// among the elements of largest amount, numpy's `isclose`); NaNs for an empty composition.
    public static func magpieStatistics(of composition: Composition, missing: MissingValues) -> [Double] {
        let items = composition.items.filter { $0.1 > Composition.amountTolerance }
        guard let top = items.map(\.1).max() else { return [Double](repeating: .nan, count: elementProperties.count * 6) }
        let elements = items.map(\.0), weights = items.map(\.1)
        let total = weights.reduce(0, +)
        func mean(_ v: [Double]) -> Double { zip(v, weights).reduce(0) { $0 + $1.0 * $1.1 } / total }
        let modal = weights.indices.filter { abs(weights[$0] - top) <= 1e-8 + 1e-5 * top }

        var out: [Double] = []
        out.reserveCapacity(elementProperties.count * 6)
        for p in elementProperties {
            let v = elements.map { missing == .imputed ? value(p, $0) : $0.data.magpie[p] ?? .nan }
            let mode = modal.contains { v[$0].isNaN } ? .nan : modal.map { v[$0] }.min()!
            if v.contains(where: \.isNaN) {
                out += [Double](repeating: .nan, count: 5) + [mode]
                continue
            }
            let m = mean(v)
            out += [v.min()!, v.max()!, v.max()! - v.min()!, m, mean(v.map { abs($0 - m) }), mode]
        }
        return out
    }

    /// Magpie property `name` of `element`, or its all-element mean when the table has none.
    static func value(_ name: String, _ element: Element) -> Double {
        element.data.magpie[name] ?? imputed[name]!
    }

    private static let imputed: [String: Double] = {
        var out: [String: Double] = [:]
        for name in elementProperties {
            let values = Element.all.compactMap { $0.data.magpie[name] }
            out[name] = values.reduce(0, +) / Double(values.count)
        }
        return out
    }()
}
