import CKilnKernels
import Foundation

/// CHGNet's basis expansions with their derivatives (computed in Double, values handed to
/// the float32 network).
enum CHGNetBasis {
    /// Smooth radial Bessel basis φ_k(ℓ) = √(2/rc)·sin(ω_k ℓ/rc)/ℓ·f(ℓ/rc), with the polynomial
    /// envelope f(x) = 1 − (p+1)(p+2)/2·xᵖ + p(p+2)·xᵖ⁺¹ − p(p+1)/2·xᵖ⁺² (0 for x ≥ 1).
    /// Returns values `[n, K]` and dφ/dℓ `[n, K]`.
    static func radial(_ lengths: [Double], frequencies: [Float], cutoff rc: Double, p: Int)
        -> (values: [Float], derivatives: [Double])
    {
        let k = frequencies.count, n = lengths.count
        let omega = frequencies.map(Double.init)
        let pd = Double(p)
        let (c0, c1, c2) = envelopeCoefficients(p: p)
        let pre = (2 / rc).squareRoot()
        var values = [Float](repeating: 0, count: n * k)
        var derivatives = [Double](repeating: 0, count: n * k)
        for i in 0..<n {
            let l = lengths[i], x = l / rc
            guard x < 1 else { continue }
            let xp1 = pow(x, pd - 1), xp = xp1 * x
            let f = 1 - c0 * xp + c1 * xp * x - c2 * xp * x * x
            let df = (-c0 * pd * xp1 + c1 * (pd + 1) * xp - c2 * (pd + 2) * xp * x) / rc
            for j in 0..<k {
                var s = 0.0, c = 0.0
                kiln_sincos(omega[j] * x, &s, &c)
                let g = s / l
                let dg = (omega[j] / rc * c - g) / l
                values[i * k + j] = Float(pre * g * f)
                derivatives[i * k + j] = pre * (dg * f + g * df)
            }
        }
        return (values, derivatives)
    }

    /// The envelope's coefficients ((p+1)(p+2)/2, p(p+2), p(p+1)/2).
    static func envelopeCoefficients(p: Int) -> (Double, Double, Double) {
        let pd = Double(p)
        return ((pd + 1) * (pd + 2) / 2, pd * (pd + 2), pd * (pd + 1) / 2)
    }

    /// Fourier angle basis ψ(θ) = [1/√2, sin(ν₁θ)…sin(ν_mθ), cos(ν₁θ)…cos(ν_mθ)]/√π.
    /// Returns values `[n, 2m+1]` and dψ/dθ.
    static func fourier(_ angles: [Double], frequencies: [Float]) -> (values: [Float], derivatives: [Double]) {
        let m = frequencies.count, k = 2 * m + 1, n = angles.count
        let nu = frequencies.map(Double.init)
        let scale = 1 / Double.pi.squareRoot()
        var values = [Float](repeating: 0, count: n * k)
        var derivatives = [Double](repeating: 0, count: n * k)
        for i in 0..<n {
            let t = angles[i]
            values[i * k] = Float(scale / 2.0.squareRoot())
            for j in 0..<m {
                var s = 0.0, c = 0.0
                kiln_sincos(nu[j] * t, &s, &c)
                values[i * k + 1 + j] = Float(scale * s)
                values[i * k + 1 + m + j] = Float(scale * c)
                derivatives[i * k + 1 + j] = scale * nu[j] * c
                derivatives[i * k + 1 + m + j] = -scale * nu[j] * s
            }
        }
        return (values, derivatives)
    }
}
