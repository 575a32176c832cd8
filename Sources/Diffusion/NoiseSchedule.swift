import Crystal
import Foundation

/// The noise levels of the three diffusion processes at steps t = 1…T (index 0 is the clean crystal).
///
/// Lattice and atom types: DDPM (Ho et al.) with the cosine schedule of Nichol & Dhariwal (s = 0.008,
/// β clipped to [1e-4, 0.9999]), as DiffCSP. Fractional coordinates: a wrapped normal whose σ grows
/// geometrically from `sigmaBegin` to `sigmaEnd` (score matching on the torus, DiffCSP's choice).
public struct NoiseSchedule: Sendable, Equatable {
    public let timesteps: Int
    /// βₜ, αₜ = 1 − βₜ and ᾱₜ = Πα, index 0…T (β₀ = 0).
    public let betas: [Double], alphas: [Double], alphaBars: [Double]
    /// The DDPM posterior standard deviation √(βₜ(1 − ᾱₜ₋₁)/(1 − ᾱₜ)), 0 at t = 1.
    public let posteriorSigmas: [Double]
    /// Wrapped-normal σₜ of the coordinates (σ₀ = 0) and E[score²] at each σₜ.
    public let coordinateSigmas: [Double], coordinateScoreNorms: [Double]
    public let sigmaBegin: Double

    public init(timesteps: Int, sigmaBegin: Double = 0.005, sigmaEnd: Double = 0.5) {
        precondition(timesteps >= 2 && sigmaBegin > 0 && sigmaEnd > sigmaBegin, "NoiseSchedule: bad parameters")
        self.timesteps = timesteps
        let s = 0.008, T = Double(timesteps)
        let f = (0...timesteps).map { t -> Double in
            let c = cos((Double(t) / T + s) / (1 + s) * .pi / 2)
            return c * c
        }
        var betas = [0.0]
        for t in 1...timesteps { betas.append(min(max(1 - f[t] / f[t - 1], 1e-4), 0.9999)) }
        self.betas = betas
        alphas = betas.map { 1 - $0 }
        var bars: [Double] = [1]
        for t in 1...timesteps { bars.append(bars[t - 1] * alphas[t]) }
        alphaBars = bars
        var posterior = [0.0]
        for t in 1...timesteps { posterior.append((betas[t] * (1 - bars[t - 1]) / (1 - bars[t])).squareRoot()) }
        posteriorSigmas = posterior
        let sigmas = (0..<timesteps).map { i in
            exp(log(sigmaBegin) + (log(sigmaEnd) - log(sigmaBegin)) * Double(i) / Double(timesteps - 1))
        }
        coordinateSigmas = [0] + sigmas
        coordinateScoreNorms = [1] + sigmas.map { WrappedNormal.scoreNorm(sigma: $0) }
        self.sigmaBegin = sigmaBegin
    }
}

extension NoiseSchedule {
    /// The forward process on a lattice (or a type vector): xₜ = √ᾱₜ x₀ + √(1 − ᾱₜ) ε, with ε.
    func noised(_ clean: [Double], t: Int, rng: inout SeededGenerator) -> (noisy: [Double], noise: [Double]) {
        let (a, b) = (alphaBars[t].squareRoot(), (1 - alphaBars[t]).squareRoot())
        let noise = clean.map { _ in rng.gaussian() }
        return (zip(clean, noise).map { a * $0 + b * $1 }, noise)
    }

    /// The forward process on fractional coordinates: fₜ = (f₀ + σₜ ε) mod 1, with the training
    /// target ∇log p_W(fₜ − f₀; σₜ) / √E[(∇log p_W)²].
    func noisedCoordinates(_ clean: [Double], t: Int, rng: inout SeededGenerator) -> (noisy: [Double], target: [Double]) {
        let (sigma, norm) = (coordinateSigmas[t], coordinateScoreNorms[t].squareRoot())
        var noisy: [Double] = [], target: [Double] = []
        for x in clean {
            let d = sigma * rng.gaussian()
            noisy.append((x + d) - (x + d).rounded(.down))
            target.append(WrappedNormal.score(d, sigma: sigma) / norm)
        }
        return (noisy, target)
    }
}
