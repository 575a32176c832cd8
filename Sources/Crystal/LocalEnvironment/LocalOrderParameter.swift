import Foundation

/// pymatgen's `LocalStructOrderParams.get_order_parameters` for one order-parameter type, with the
/// neighbours given explicitly (as `indices_neighs`): the same loops, thresholds and `None` cases.
struct LocalOrderParameter: Sendable {
    let type: OrderParameterType
    let settings: OrderParameterSettings

    /// The value for `center` and its neighbours (Cartesian Å, neighbour order as given);
    /// nil where pymatgen returns None (too few neighbours for the type).
    func value(center: Vec3, neighbors: [Vec3]) -> Double? {
        switch type {
        case .singleBond: return Self.singleBond(center: center, neighbors: neighbors)
        case .q2: return BondOrientationalOrder.q(2, center: center, neighbors: neighbors)
        case .q4: return BondOrientationalOrder.q(4, center: center, neighbors: neighbors)
        case .q6: return BondOrientationalOrder.q(6, center: center, neighbors: neighbors)
        default: return geometric(center: center, neighbors: neighbors)
        }
    }

    /// `sgl_bd`: 1 − (shortest / second-shortest bond); 1 for one neighbour, 0 for none.
    private static func singleBond(center: Vec3, neighbors: [Vec3]) -> Double {
        guard !neighbors.isEmpty else { return 0 }
        guard neighbors.count > 1 else { return 1 }
        var first = Double.infinity, second = Double.infinity
        for p in neighbors {
            let d = length(p - center)
            if d < first { second = first; first = d } else if d < second { second = d }
        }
        return 1 - first / second
    }

    /// Unit vectors from the centre to each neighbour, as pymatgen's `rij_norm`.
    static func unitVectors(center: Vec3, neighbors: [Vec3]) -> [Vec3] {
        neighbors.map { p in
            let r = p - center
            return r / length(r)
        }
    }

    @inline(__always) static func dot(_ a: Vec3, _ b: Vec3) -> Double { a.x * b.x + a.y * b.y + a.z * b.z }
    @inline(__always) static func length(_ a: Vec3) -> Double { dot(a, a).squareRoot() }
    @inline(__always) static func clampedAcos(_ x: Double) -> Double { acos(max(-1.0, min(x, 1.0))) }
    /// The part of `v` orthogonal to `u` (pymatgen's `gramschmidt`, not normalised).
    @inline(__always) static func orthogonalPart(_ v: Vec3, to u: Vec3) -> Vec3 { v - (dot(v, u) / dot(u, u)) * u }
    @inline(__always) static func gauss(_ x: Double) -> Double { exp(-0.5 * x * x) }

    /// Peters-style motif order parameters: neighbour j at the north pole, k on the prime meridian,
    /// every other neighbour m scored by its polar angle and azimuth.
    private func geometric(center: Vec3, neighbors: [Vec3]) -> Double? {
        let n = neighbors.count
        if type == .bodyCenteredCubic ? n < 4 : n < 2 { return nil }
        let u = Self.unitVectors(center: center, neighbors: neighbors)
        let p = settings
        let ipi = 1 / Double.pi
        let verySmall = 1e-12
        let fBcc = 1 / exp(-0.5)
        let asinThird = asin(1.0 / 3.0)
        let southPole: Bool
        let bipyramidGroup: Bool
        switch type {
        case .trigonalBipyramidal, .pentagonalBipyramidal, .hexagonalBipyramidal, .octahedralMax,
             .squarePlanarMax, .hexagonalPlanarMax:
            southPole = true; bipyramidGroup = true
        case .seeSawRectangular: southPole = true; bipyramidGroup = false
        default: southPole = false; bipyramidGroup = false
        }
        var total = 0.0, totalNorm = 0.0   // bent and bcc: sums over all (j, k)
        var best = -Double.infinity          // the "_max"-style types: largest normalised (j, k) score
        var first = true
        for j in 0..<n {
            let zAxis = u[j]
            for k in 0..<n where k != j {
                var q = 0.0, w = 0.0
                let thetaK = Self.clampedAcos(Self.dot(zAxis, u[k]))
                var xAxis = Self.orthogonalPart(u[k], to: zAxis)
                let xLength = Self.length(xAxis)
                let degenerateX = xLength < verySmall
                if !degenerateX { xAxis /= xLength }
                // The j-i-k angle.
                switch type {
                case .bent, .trigonalPlanarMax, .tetrahedralMax:
                    q += Self.gauss(p.targetAngleWidth * (thetaK * ipi - p.targetAngle)); w += 1
                case .tShaped, .trigonalPyramidal, .squarePyramidal, .pentagonalPyramidal, .hexagonalPyramidal:
                    q += Self.gauss(p.equatorialWidth * (thetaK * ipi - 0.5)); w += 1
                case .cuboctahedralMax:
                    if thetaK >= p.southPoleMinimum {
                        q += p.southPoleWeight * Self.gauss(p.southPoleWidth * (thetaK * ipi - 1)); w += p.southPoleWeight
                    }
                case .seeSawRectangular, .trigonalBipyramidal, .pentagonalBipyramidal, .hexagonalBipyramidal,
                     .octahedralMax, .squarePlanarMax, .hexagonalPlanarMax:
                    if thetaK < p.southPoleMinimum {
                        let t = type == .hexagonalPlanarMax
                            ? p.targetAngleWidth * (abs(thetaK * ipi - 0.5) - p.targetAngle)
                            : p.equatorialWidth * (thetaK * ipi - 0.5)
                        q += Self.gauss(t); w += 1
                    }
                case .pentagonalPlanarMax:
                    let target = thetaK <= p.targetAngle * Double.pi ? 0.4 : 0.8
                    q += Self.gauss(p.targetAngleWidth * (thetaK * ipi - target)); w += 1
                case .bodyCenteredCubic:
                    if j < k && thetaK >= p.southPoleMinimum {
                        q += p.southPoleWeight * Self.gauss(p.southPoleWidth * (thetaK * ipi - 1)); w += p.southPoleWeight
                    }
                default: break
                }
                if !degenerateX {
                    for m in 0..<n where m != j && m != k {
                        let thetaM = Self.clampedAcos(Self.dot(zAxis, u[m]))
                        let x2 = Self.orthogonalPart(u[m], to: zAxis)
                        let x2Length = Self.length(x2)
                        let degenerateX2 = x2Length < verySmall
                        let phi = degenerateX2 ? 0 : Self.clampedAcos(Self.dot(x2 / x2Length, xAxis))
                        if southPole && thetaM >= p.southPoleMinimum {
                            q += Self.gauss(p.southPoleWidth * (thetaM * ipi - 1)); w += 1
                        }
                        if degenerateX2 { continue }
                        // The j-i-m angle and the azimuth of m about the j axis, measured from k.
                        switch type {
                        case .trigonalPlanarMax, .tetrahedralMax:
                            let c = pow(cos(p.azimuthFactor * phi), p.azimuthExponent)
                            q += Self.gauss(p.targetAngleWidth * (thetaM * ipi - p.targetAngle)) * c; w += 1
                        case .pentagonalPlanarMax:
                            let target = thetaM <= p.targetAngle * Double.pi ? 0.4 : 0.8
                            let c = cos(phi)
                            q += Self.gauss(p.targetAngleWidth * (thetaM * ipi - target)) * c * c; w += 1
                        case .tShaped, .trigonalPyramidal, .squarePyramidal, .pentagonalPyramidal, .hexagonalPyramidal:
                            let c = pow(cos(p.azimuthFactor * phi), p.azimuthExponent)
                            q += c * Self.gauss(p.equatorialWidth * (thetaM * ipi - 0.5)); w += 1
                        case _ where bipyramidGroup:
                            if thetaM < p.southPoleMinimum && thetaK < p.southPoleMinimum {
                                let c = pow(cos(p.azimuthFactor * phi), p.azimuthExponent)
                                let t = type == .hexagonalPlanarMax
                                    ? p.targetAngleWidth * (abs(thetaM * ipi - 0.5) - p.targetAngle)
                                    : p.equatorialWidth * (thetaM * ipi - 0.5)
                                q += c * Self.gauss(t); w += 1
                            }
                        case .bodyCenteredCubic:
                            if j < k && thetaK < p.southPoleMinimum {
                                let sign = thetaK > Double.pi / 2 ? 1.0 : -1.0
                                let t = (thetaM - Double.pi / 2) / asinThird
                                q += sign * cos(3 * phi) * fBcc * t * exp(-0.5 * t * t); w += 1
                            }
                        case .seeSawRectangular:
                            if thetaM < p.southPoleMinimum && thetaK < p.southPoleMinimum && phi < 0.75 * Double.pi {
                                let c = pow(cos(p.azimuthFactor * phi), p.azimuthExponent)
                                q += c * Self.gauss(p.equatorialWidth * (thetaM * ipi - 0.5)); w += 1
                            }
                        case .cuboctahedralMax:
                            guard thetaM < p.southPoleMinimum && p.bandLower < thetaK && thetaK < p.bandUpper
                            else { break }
                            if p.bandLower < thetaM && thetaM < p.bandUpper {
                                let c = cos(phi)
                                q += c * c * Self.gauss(p.bandWidth * (thetaM * ipi - 0.5)); w += 1
                            } else if thetaM < p.bandLower || thetaM > p.bandUpper {
                                let a = Self.gauss(0.0556 * (cos(phi - 0.5 * Double.pi) - 0.81649658))
                                let level = thetaM < p.bandLower ? 1.0 / 3.0 : 2.0 / 3.0
                                q += a * Self.gauss(p.offBandWidth * (thetaM * ipi - level)); w += 1
                            }
                        default: break
                        }
                    }
                }
                switch type {
                case .bent, .bodyCenteredCubic:
                    total += q; totalNorm += w
                default:
                    let score = w > verySmall ? q / w : 0
                    if first || score > best { best = score }
                    first = false
                }
            }
        }
        switch type {
        case .bent: return totalNorm > verySmall ? total / totalNorm : nil
        case .bodyCenteredCubic: return total / (0.5 * Double(n * (6 + (n - 2) * (n - 3))))
        default: return best
        }
    }
}
