import Crystal
import Potentials

/// A fixed-length description of a structure from one CHGNet 0.3.0 energy pass: energy per atom,
/// mean and largest |magnetic moment|, volume per atom, density, and the mean, standard deviation,
/// minimum and maximum over atoms of each of the 64 final atom features (the sum is CHGNet's
/// `crystal_fea`).
public enum CHGNetDescriptor {
    static let statistics = ["mean", "std", "min", "max"]
    static let width = CHGNet.featureWidth

    public static let names: [String] =
        ["CHGNet energy per atom", "CHGNet mean |magmom|", "CHGNet max |magmom|", "volume per atom", "density"]
        + statistics.flatMap { s in (0..<width).map { "CHGNet atom feature \($0) \(s)" } }

    /// Index of the energy per atom in `describe`'s output.
    static let energyIndex = 0

    /// The descriptor of `structure`, rounded to float32 (the precision of the pass and of the
    /// stored tables); CHGNet's errors pass through (unsupported elements, too large).
    public static func describe(_ structure: Structure, chgnet: CHGNet) throws -> [Double] {
        let f = try chgnet.features(structure)
        let n = f.atoms, w = f.width
        precondition(w == width, "CHGNet feature width \(w), descriptor built for \(width)")
        let moments = f.magmoms.map(abs)
        var out = [f.energyPerAtom, moments.reduce(0, +) / Double(n), moments.max() ?? 0,
                   structure.volumePerAtom, structure.density]
        var mean = [Double](repeating: 0, count: w), square = mean
        var low = [Double](repeating: .infinity, count: w), high = [Double](repeating: -.infinity, count: w)
        for i in 0..<n {
            for c in 0..<w {
                let x = Double(f.atomFeatures[i * w + c])
                mean[c] += x; square[c] += x * x
                low[c] = min(low[c], x); high[c] = max(high[c], x)
            }
        }
        mean = mean.map { $0 / Double(n) }
        let std = (0..<w).map { c in (max(square[c] / Double(n) - mean[c] * mean[c], 0)).squareRoot() }
        out += mean + std + low + high
        return out.map { Double(Float($0)) }
    }
}
