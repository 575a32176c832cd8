import Crystal
import Properties

/// matminer's `ElementProperty.from_preset("magpie")` composition features (22 Magpie properties ×
/// minimum, maximum, range, mean, avg_dev, mode = 132 numbers), read from the bundled element
/// table's Magpie data, and CDVAE's standardisation of them (`CompScaler`).
public enum CompositionFingerprint {
    /// The 132 raw features; a statistic is NaN when it involves an element lacking the property (as matminer).
    public static func features(_ c: Composition) -> [Double] {
        CompositionFeatures.magpieStatistics(of: c, missing: .nan)
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
