import Foundation
import Tensor

/// CHGNet's basis expansions (the definitions of `CHGNetBasis`) as differentiable `Tensor`
/// operations, for the Tensor engine: float64 in, float64 out, gradients from the tape.
extension CHGNetBasis {
    /// Smooth radial Bessel basis of the lengths `[n, 1]`: `[n, K]`, zero where ℓ ≥ rc.
    static func radial(_ lengths: Tensor, frequencies: [Float], cutoff rc: Double, p: Int) -> Tensor {
        let (c0, c1, c2) = envelopeCoefficients(p: p)
        let omega = Tensor(shape: [1, frequencies.count], scalars: frequencies.map(Double.init))
        let x = lengths / rc
        let xp = x.pow(Double(p))
        let envelope = 1 - c0 * xp + c1 * xp * x - c2 * xp * x.squared()
        let phi = (x * omega).sin() / lengths * envelope * (2 / rc).squareRoot()
        let inside = lengths.doubles.map { $0 / rc < 1 }
        guard inside.contains(false) else { return phi }
        let mask = inside.flatMap { Array(repeating: $0, count: frequencies.count) }
        return Tensor.select(mask, phi, Tensor.zeros(phi.shape, dtype: .float64))
    }

    /// Fourier angle basis of the angles `[n, 1]`: `[n, 2m+1]`.
    static func fourier(_ angles: Tensor, frequencies: [Float]) -> Tensor {
        let nu = Tensor(shape: [1, frequencies.count], scalars: frequencies.map(Double.init))
        let phase = angles * nu
        let constant = Tensor.full(1 / 2.0.squareRoot(), shape: [angles.shape[0], 1], dtype: .float64)
        return Tensor.concat([constant, phase.sin(), phase.cos()], axis: 1) * (1 / Double.pi.squareRoot())
    }
}
