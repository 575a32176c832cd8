import Foundation

/// The normal distribution wrapped onto the unit circle (period 1): the noise on fractional
/// coordinates. `p(x; σ) = Σₖ N(x + k; 0, σ²)`, summed over the images that matter.
public enum WrappedNormal {
    /// Images k = −n…n with n large enough that the rest weigh less than e⁻⁵⁰ relative.
    static func imageRange(_ sigma: Double) -> ClosedRange<Int> {
        let n = Int((10 * sigma).rounded(.up)) + 1
        return -n...n
    }

    /// The density at `x` (any real; periodic).
    public static func density(_ x: Double, sigma: Double) -> Double {
        let x = x - x.rounded()
        var p = 0.0
        for k in imageRange(sigma) {
            let y = x + Double(k)
            p += exp(-y * y / (2 * sigma * sigma))
        }
        return p / (sigma * (2 * Double.pi).squareRoot())
    }

    /// The score d/dx log p(x; σ), computed with the largest term factored out so it stays finite
    /// for small σ far from the mode.
    public static func score(_ x: Double, sigma: Double) -> Double { densityAndScore(x, sigma: sigma).score }

    /// p(x; σ) and d/dx log p(x; σ) from one sum over images.
    static func densityAndScore(_ x: Double, sigma: Double) -> (density: Double, score: Double) {
        let x = x - x.rounded()
        let s2 = sigma * sigma
        // The image nearest the mode (k = 0 after wrapping) has the largest exponent.
        let top = -x * x / (2 * s2)
        var weight = 0.0, weighted = 0.0
        for k in imageRange(sigma) {
            let y = x + Double(k)
            let w = exp(-y * y / (2 * s2) - top)
            weight += w
            weighted += -y / s2 * w
        }
        return (weight * exp(top) / (sigma * (2 * Double.pi).squareRoot()), weighted / weight)
    }

    /// E[score²] under p(·; σ): the scale DiffCSP divides the coordinate target by, so every noise
    /// level has a target of unit size. Midpoint quadrature over the support that carries the mass
    /// (the integrand is smooth and, for large σ, periodic, so the rule converges fast).
    public static func scoreNorm(sigma: Double, points: Int = 1000) -> Double {
        let half = min(0.5, 12 * sigma)
        let h = 2 * half / Double(points)
        var total = 0.0
        for i in 0..<points {
            let (p, s) = densityAndScore(-half + (Double(i) + 0.5) * h, sigma: sigma)
            total += p * s * s * h
        }
        return total
    }
}
