import Crystal
import Foundation

/// The radial distribution function g(r) of periodic structures (all pairs of atoms, through as many
/// periodic images as `rMax` needs), each distance spread as a Gaussian of width `smoothing` so
/// that a crystal at 0 K and snapshots of a hot one compare on one grid. g → 1 at large r in a
/// disordered structure; a crystal keeps sharp peaks out to `rMax`.
public struct RadialDistribution: Sendable, Equatable {
    /// Bin centres (Å).
    public var r: [Double]
    public var g: [Double]

    /// The average g(r) of `structures` (one composition and atom count) on bins of `width` Å up to `rMax`.
    public init(_ structures: [Structure], rMax: Double = 8, width: Double = 0.05, smoothing: Double = 0.1) {
        let bins = Int((rMax / width).rounded())
        r = (0..<bins).map { (Double($0) + 0.5) * width }
        var counts = [Double](repeating: 0, count: bins)
        var density = 0.0
        for s in structures {
            let n = s.count
            density += Double(n) / s.lattice.volume
            let reach = (0..<3).map { Int((rMax + 4 * smoothing) / s.lattice.interplanarSpacings[$0]) + 1 }
            var images: [Vec3] = []
            for x in -reach[0]...reach[0] { for y in -reach[1]...reach[1] { for z in -reach[2]...reach[2] {
                images.append(s.lattice.cartesian(Vec3(Double(x), Double(y), Double(z))))
            } } }
            for i in 0..<n {
                for j in 0..<n {
                    var df = s.sites[j].frac - s.sites[i].frac
                    df -= df.rounded(.toNearestOrEven)
                    let base = s.lattice.cartesian(df)
                    for shift in images {
                        let d = norm(base + shift)
                        guard d > 1e-8, d < rMax + 4 * smoothing else { continue }
                        let lo = max(0, Int((d - 4 * smoothing) / width)), hi = min(bins - 1, Int((d + 4 * smoothing) / width))
                        guard lo <= hi else { continue }
                        for k in lo...hi {
                            let u = (r[k] - d) / smoothing
                            counts[k] += exp(-0.5 * u * u) / (smoothing * (2 * Double.pi).squareRoot()) / Double(n)
                        }
                    }
                }
            }
        }
        // Per atom and frame: neighbours per unit r over the ideal-gas expectation 4πr²ρ.
        let frames = Double(max(1, structures.count)), rho = density / frames
        g = zip(r, counts).map { r, c in c / frames / (4 * .pi * r * r * rho) }
    }

    /// ∫ (g − 1)² dr over r ≥ `from`: the long-range order left in g(r); about 0 in a liquid or glass.
    public func order(from: Double) -> Double {
        guard r.count > 1 else { return 0 }
        let width = r[1] - r[0]
        return zip(r, g).filter { $0.0 >= from }.reduce(0) { $0 + ($1.1 - 1) * ($1.1 - 1) } * width
    }
}
