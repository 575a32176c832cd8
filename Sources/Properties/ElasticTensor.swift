import Potentials

/// A 6×6 elastic tensor in Voigt notation (GPa; order xx, yy, zz, yz, xz, xy, engineering shear
/// strains), with pymatgen's `ElasticTensor` averages: Voigt, Reuss and Hill bulk and shear
/// moduli, Young's modulus and the homogeneous Poisson ratio from the Hill averages.
public struct ElasticTensor: Sendable, Equatable, Codable {
    /// cᵢⱼ: the slope of stress component j against strain component i (not symmetrised, as
    /// pymatgen's fit leaves it).
    public var voigt: [[Double]]

    public init(voigt: [[Double]]) {
        precondition(voigt.count == 6 && voigt.allSatisfy { $0.count == 6 }, "a Voigt tensor is 6×6")
        self.voigt = voigt
    }

    public var kVoigt: Double { (0..<3).reduce(0) { s, i in s + (0..<3).reduce(0) { $0 + voigt[i][$1] } } / 9 }

    public var gVoigt: Double {
        let c = voigt
        return (c[0][0] + c[1][1] + c[2][2] - c[0][1] - c[0][2] - c[1][2] + 3 * (c[3][3] + c[4][4] + c[5][5])) / 15
    }

    /// The compliance matrix S = C⁻¹ (1/GPa), or nil when C is singular.
    public var compliance: [[Double]]? { LeastSquares.inverse(voigt) }

    public var kReuss: Double {
        guard let s = compliance else { return .nan }
        return 1 / (0..<3).reduce(0) { t, i in t + (0..<3).reduce(0) { $0 + s[i][$1] } }
    }

    public var gReuss: Double {
        guard let s = compliance else { return .nan }
        let diagonal = s[0][0] + s[1][1] + s[2][2], off = s[0][1] + s[0][2] + s[1][2]
        return 15 / (4 * diagonal - 4 * off + 3 * (s[3][3] + s[4][4] + s[5][5]))
    }

    public var kVRH: Double { (kVoigt + kReuss) / 2 }
    public var gVRH: Double { (gVoigt + gReuss) / 2 }
    /// Young's modulus 9KG/(3K + G) from the Hill averages (GPa).
    public var youngsModulus: Double { 9 * kVRH * gVRH / (3 * kVRH + gVRH) }
    /// Homogeneous Poisson ratio (3K − 2G)/(6K + 2G) from the Hill averages.
    public var poissonRatio: Double {
        let r = gVRH / kVRH
        return (1 - 2.0 / 3 * r) / (2 + 2.0 / 3 * r)
    }

    /// Eigenvalues (ascending, GPa) of the symmetrised tensor (C + Cᵀ)/2.
    public var eigenvalues: [Double] {
        var m = [Double](repeating: 0, count: 36)
        for i in 0..<6 { for j in 0..<6 { m[i * 6 + j] = (voigt[i][j] + voigt[j][i]) / 2 } }
        return SymmetricEigen.decompose(m, n: 6).values.sorted()
    }

    /// Born's mechanical-stability criterion in its general form: every eigenvalue of the
    /// symmetrised 6×6 tensor is positive (the crystal's strain energy is positive definite).
    public var isMechanicallyStable: Bool { eigenvalues.allSatisfy { $0 > 0 } }
}
