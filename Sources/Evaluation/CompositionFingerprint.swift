import Crystal

/// matminer's `ElementProperty.from_preset("magpie")` composition features (22 Magpie properties ×
/// minimum, maximum, range, mean, avg_dev, mode = 132 numbers), read from the bundled element
/// table's Magpie data, and CDVAE's standardisation of them (`CompScaler`).
public enum CompositionFingerprint {
    /// The Magpie properties of the preset, in matminer's order.
    public static let properties = [
        "Number", "MendeleevNumber", "AtomicWeight", "MeltingT", "Column", "Row", "CovalentRadius",
        "Electronegativity", "NsValence", "NpValence", "NdValence", "NfValence", "NValence", "NsUnfilled",
        "NpUnfilled", "NdUnfilled", "NfUnfilled", "NUnfilled", "GSvolume_pa", "GSbandgap", "GSmagmom",
        "SpaceGroupNumber",
    ]

    /// The 132 raw features; a statistic is NaN when it involves an element lacking the property (as matminer).
    public static func features(_ c: Composition) -> [Double] {
        let items = c.items.filter { $0.1 > Composition.amountTolerance }
        let total = items.reduce(0) { $0 + $1.1 }
        let weights = items.map { $0.1 / total }
        var out: [Double] = []
        out.reserveCapacity(properties.count * 6)
        for p in properties {
            let x = items.map { $0.0.data.magpie[p] ?? .nan }
            // matminer's mode: the value with the largest fraction; ties go to the smallest value
            // (numpy's min, so a NaN among the tied values gives NaN).
            let top = weights.max() ?? 0
            let tied = zip(x, weights).filter { abs($0.1 - top) < 1e-12 }.map(\.0)
            let mode = tied.contains(where: \.isNaN) ? .nan : (tied.min() ?? .nan)
            if x.contains(where: \.isNaN) {
                out += Array(repeating: .nan, count: 5) + [mode]
                continue
            }
            let lo = x.min() ?? .nan, hi = x.max() ?? .nan
            let mean = zip(x, weights).reduce(0) { $0 + $1.0 * $1.1 }
            let avgDev = zip(x, weights).reduce(0) { $0 + abs($1.0 - mean) * $1.1 }
            out += [lo, hi, hi - lo, mean, avgDev, mode]
        }
        return out
    }

    /// Features standardised with CDVAE's `CompScaler` (means and standard deviations fitted by
    /// CDVAE, `cdvae/common/constants.py`); NaN becomes 0 after scaling (`replace_nan_token=0`).
    public static func scaled(_ c: Composition) -> [Double] {
        zip(features(c), zip(CDVAECompScaler.means, CDVAECompScaler.stds)).map { x, ms in
            let v = (x - ms.0) / ms.1
            return v.isNaN ? 0 : v
        }
    }
}
