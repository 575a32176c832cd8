import Crystal

/// What CHGNet computes about a structure on the way to its energy: the learned atom features
/// after the last interaction block and the readout's LayerNorm (the input of the readout MLP, whose
/// sum over atoms is CHGNet's `crystal_fea`), the energy and the site magnetic moments. Learned property models use them as a
/// structure description.
public struct CHGNetFeatures: Sendable {
    /// Feature width (64 for CHGNet 0.3.0).
    public var width: Int
    /// Atoms × `width`, row-major.
    public var atomFeatures: [Float]
    /// Total energy (eV), AtomRef included.
    public var energy: Double
    /// Site magnetic moments (µB).
    public var magmoms: [Double]

    public var atoms: Int { magmoms.count }
    public var energyPerAtom: Double { energy / Double(atoms) }
}

extension CHGNet {
    /// Width of the atom features (64).
    public static let featureWidth = CHGNetWeights.width

    /// One energy-only fused pass of `structure`, returning its atom features as well.
    public func features(_ structure: Structure) throws -> CHGNetFeatures {
        let g = try graph(for: structure)
        let z = structure.atomicNumbers
        let out = CHGNetPass(weights: weights, config: config, graph: g)
            .run(atomicNumbers: z, frac: structure.fracCoords, lattice: structure.lattice.matrix, gradients: false)
        return CHGNetFeatures(width: CHGNetWeights.width, atomFeatures: out.atomFeatures,
                              energy: out.networkEnergy + atomReferenceEnergy(z), magmoms: out.magmoms)
    }
}
