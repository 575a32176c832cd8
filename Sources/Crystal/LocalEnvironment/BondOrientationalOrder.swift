import Foundation

/// Steinhardt bond-orientational order parameters q2, q4, q6 as pymatgen's
/// `LocalStructOrderParams.get_q2/get_q4/get_q6` compute them (Steinhardt et al., Phys. Rev. B 28,
/// 784 (1983)): q_l = sqrt(4π/(2l+1) Σ_m |Σ_j Y_lm(θ_j, φ_j)|²) / N.
enum BondOrientationalOrder {
    /// q_l for l ∈ {2, 4, 6}; nil without neighbours (pymatgen's None).
    static func q(_ l: Int, center: Vec3, neighbors: [Vec3]) -> Double? {
        precondition(l == 2 || l == 4 || l == 6, "q\(l) is not implemented")
        guard !neighbors.isEmpty else { return nil }
        let leftOfUnity = 1 - 1e-12
        // Σ_j P_lm(θ_j) cos(mφ_j) and Σ_j P_lm(θ_j) sin(mφ_j) for m = 0...6.
        var re = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0), im = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        for p in neighbors {
            let r = p - center
            let v = r / LocalOrderParameter.length(r)
            // z is the north pole, x the prime meridian; φ = 0 for a bond (almost) along z.
            let theta = LocalOrderParameter.clampedAcos(v.z)
            var phi = 0.0
            if -leftOfUnity < v.z && v.z < leftOfUnity {
                phi = acos(max(-1.0, min(v.x / (v.x * v.x + v.y * v.y).squareRoot(), 1.0)))
                if v.y < 0 { phi = -phi }
            }
            let s = sin(theta), c = cos(theta)
            let w = prefactors(l, sinTheta: s, cosTheta: c)
            re.0 += w.0
            re.1 += w.1 * cos(phi); im.1 += w.1 * sin(phi)
            re.2 += w.2 * cos(2 * phi); im.2 += w.2 * sin(2 * phi)
            guard l > 2 else { continue }
            re.3 += w.3 * cos(3 * phi); im.3 += w.3 * sin(3 * phi)
            re.4 += w.4 * cos(4 * phi); im.4 += w.4 * sin(4 * phi)
            guard l > 4 else { continue }
            re.5 += w.5 * cos(5 * phi); im.5 += w.5 * sin(5 * phi)
            re.6 += w.6 * cos(6 * phi); im.6 += w.6 * sin(6 * phi)
        }
        // Y_l,-m and Y_l,m have the same modulus: count m > 0 twice.
        var acc = re.0 * re.0
        acc += 2 * (re.1 * re.1 + im.1 * im.1 + re.2 * re.2 + im.2 * im.2)
        acc += 2 * (re.3 * re.3 + im.3 * im.3 + re.4 * re.4 + im.4 * im.4)
        acc += 2 * (re.5 * re.5 + im.5 * im.5 + re.6 * re.6 + im.6 * im.6)
        let count = Double(neighbors.count)
        return (4 * Double.pi * acc / (Double(2 * l + 1) * count * count)).squareRoot()
    }

    /// The θ-dependent factors of Y_lm (m = 0...l, unused entries 0), pymatgen's normalisation.
    private static func prefactors(_ l: Int, sinTheta s: Double, cosTheta c: Double)
        -> (Double, Double, Double, Double, Double, Double, Double) {
        let pi = Double.pi
        let c2 = c * c, s2 = s * s
        switch l {
        case 2:
            return (0.25 * (5 / pi).squareRoot() * (3 * c2 - 1),
                    0.5 * (15 / (2 * pi)).squareRoot() * s * c,
                    0.25 * (15 / (2 * pi)).squareRoot() * s2, 0, 0, 0, 0)
        case 4:
            let c3 = c2 * c, c4 = c2 * c2, s3 = s2 * s
            return (3 / 16.0 * (1 / pi).squareRoot() * (35 * c4 - 30 * c2 + 3),
                    3 / 8.0 * (5 / pi).squareRoot() * s * (7 * c3 - 3 * c),
                    3 / 8.0 * (5 / (2 * pi)).squareRoot() * s2 * (7 * c2 - 1),
                    3 / 8.0 * (35 / pi).squareRoot() * s3 * c,
                    3 / 16.0 * (35 / (2 * pi)).squareRoot() * s2 * s2, 0, 0)
        default:
            let c3 = c2 * c, c4 = c2 * c2, c5 = c4 * c, c6 = c4 * c2
            let s3 = s2 * s, s4 = s2 * s2
            return (1 / 32.0 * (13 / pi).squareRoot() * (231 * c6 - 315 * c4 + 105 * c2 - 5),
                    1 / 16.0 * (273 / (2 * pi)).squareRoot() * s * (33 * c5 - 30 * c3 + 5 * c),
                    1 / 64.0 * (1365 / pi).squareRoot() * s2 * (33 * c4 - 18 * c2 + 1),
                    1 / 32.0 * (1365 / pi).squareRoot() * s3 * (11 * c3 - 3 * c),
                    3 / 32.0 * (91 / (2 * pi)).squareRoot() * s4 * (11 * c2 - 1),
                    3 / 32.0 * (1001 / pi).squareRoot() * s4 * s * c,
                    1 / 64.0 * (3003 / pi).squareRoot() * s4 * s2)
        }
    }
}
