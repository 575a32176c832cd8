import Crystal

/// matminer's `CrystalNNFingerprint.from_preset("ops")`: for each coordination number 1–24 the
/// CrystalNN probability of that number ("wt"), and for CN 1–12 each motif's order parameter
/// (tetrahedral, octahedral, q4, …) times that probability — 61 numbers per site. CDVAE's
/// structure fingerprint (COV-R/COV-P) is the mean over sites.
public struct CrystalNNFingerprint: Sendable {
    public var crystalNN = CrystalNN()

    public init() {}

    /// One entry per feature: the coordination number and its motif (nil for "wt").
    static let layout: [(cn: Int, motif: MotifOrderParameter?)] = (1...24).flatMap { cn in
        [(cn, nil)] + (MotifOrderParameter.opsPreset[cn] ?? []).map { (cn, try! MotifOrderParameter(coordination: cn, motif: $0)) }
    }

    /// Feature names in matminer's form, e.g. "wt CN_1", "octahedral CN_6".
    public static let labels: [String] = layout.map { "\($0.motif?.motif ?? "wt") CN_\($0.cn)" }

    /// The fingerprint of one site from its CrystalNN environment.
    public static func fingerprint(_ env: CrystalNN.Environment) -> [Double] {
        var bonds: (cn: Int, vectors: [Vec3]) = (0, [])
        return layout.map { cn, motif in
            let wt = env.coordinationWeights[cn] ?? 0
            guard let motif, wt != 0 else { return wt }
            if bonds.cn != cn { bonds = (cn, env.neighbors(coordination: cn).map(\.vector)) }
            return wt * (motif.value(center: .zero, neighbors: bonds.vectors) ?? 0)
        }
    }

    /// Fingerprints of every site; throws where CrystalNN cannot place a site's neighbours.
    public func siteFingerprints(_ s: Structure) throws -> [[Double]] {
        try crystalNN.environments(s).map(Self.fingerprint)
    }

    /// Mean of the site fingerprints (CDVAE's `struct_fp`).
    public func structureFingerprint(_ s: Structure) throws -> [Double] {
        let sites = try siteFingerprints(s)
        var mean = [Double](repeating: 0, count: Self.layout.count)
        for f in sites { for k in mean.indices { mean[k] += f[k] } }
        return mean.map { $0 / Double(max(sites.count, 1)) }
    }
}
