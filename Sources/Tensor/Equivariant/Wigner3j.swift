import Foundation

/// Wigner 3j symbols in the real basis of e3nn (`e3nn.o3.wigner_3j`): the SU(2) Clebsch–Gordan
/// coefficients (Racah's formula) turned into the real spherical-harmonic basis by e3nn's
/// change of basis and normalised to unit Frobenius norm, so C_{ijk} D¹_{il}(g) D²_{jm}(g)
/// D³_{kn}(g) = C_{lmn} for every rotation g, with the same signs as e3nn.
public enum Wigner3j {
    /// C for (l1, l2, l3), row-major [2l1+1, 2l2+1, 2l3+1]; all zeros unless |l1 − l2| ≤ l3 ≤ l1 + l2.
    public static func coefficients(_ l1: Int, _ l2: Int, _ l3: Int) -> [Double] {
        precondition(l1 >= 0 && l2 >= 0 && l3 >= 0 && l1 + l2 + l3 <= 30, "Wigner3j: degrees \(l1), \(l2), \(l3) out of range")
        let key = [l1, l2, l3]
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if let c = cache[key] { return c }
        let c = compute(l1, l2, l3)
        cache[key] = c
        return c
    }

    nonisolated(unsafe) private static var cache: [[Int]: [Double]] = [:]
    private static let cacheLock = NSLock()

    private struct Complex {
        var re: Double, im: Double
        static func + (a: Complex, b: Complex) -> Complex { Complex(re: a.re + b.re, im: a.im + b.im) }
        static func * (a: Complex, b: Complex) -> Complex {
            Complex(re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re)
        }
        var conjugate: Complex { Complex(re: re, im: -im) }
    }

    private static func compute(_ l1: Int, _ l2: Int, _ l3: Int) -> [Double] {
        let (d1, d2, d3) = (2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1)
        var out = [Double](repeating: 0, count: d1 * d2 * d3)
        guard abs(l1 - l2) <= l3, l3 <= l1 + l2 else { return out }
        let q1 = realToComplex(l1), q2 = realToComplex(l2), q3 = realToComplex(l3)
        // C_real[j, l, m] = Σ Q1[i, j] Q2[k, l] conj(Q3[n, m]) C_su2[i, k, n]; only m1 + m2 = m3 terms exist.
        var complex = [Complex](repeating: Complex(re: 0, im: 0), count: out.count)
        for i in 0..<d1 {
            for k in 0..<d2 {
                let n = i - l1 + k - l2 + l3
                guard n >= 0, n < d3 else { continue }
                let cg = su2(l1, i - l1, l2, k - l2, l3)
                guard cg != 0 else { continue }
                for j in 0..<d1 where q1[i * d1 + j].re != 0 || q1[i * d1 + j].im != 0 {
                    for l in 0..<d2 where q2[k * d2 + l].re != 0 || q2[k * d2 + l].im != 0 {
                        let a = q1[i * d1 + j] * q2[k * d2 + l]
                        for m in 0..<d3 {
                            let b = q3[n * d3 + m].conjugate
                            guard b.re != 0 || b.im != 0 else { continue }
                            let t = a * b
                            complex[(j * d2 + l) * d3 + m] = complex[(j * d2 + l) * d3 + m]
                                + Complex(re: t.re * cg, im: t.im * cg)
                        }
                    }
                }
            }
        }
        var norm = 0.0
        for (k, c) in complex.enumerated() {
            out[k] = c.re
            norm += c.re * c.re
        }
        norm = norm.squareRoot()
        return out.map { $0 / norm }
    }

    /// e3nn's `change_basis_real_to_complex(l)`, row-major [2l+1, 2l+1], including the (−i)^l factor.
    private static func realToComplex(_ l: Int) -> [Complex] {
        let d = 2 * l + 1, s = 1 / 2.0.squareRoot()
        var q = [Complex](repeating: Complex(re: 0, im: 0), count: d * d)
        for m in stride(from: -l, to: 0, by: 1) {
            q[(l + m) * d + l + abs(m)] = Complex(re: s, im: 0)
            q[(l + m) * d + l - abs(m)] = Complex(re: 0, im: -s)
        }
        q[l * d + l] = Complex(re: 1, im: 0)
        if l > 0 {
            for m in 1...l {
                let sign = m % 2 == 0 ? 1.0 : -1.0
                q[(l + m) * d + l + m] = Complex(re: sign * s, im: 0)
                q[(l + m) * d + l - m] = Complex(re: 0, im: sign * s)
            }
        }
        // (−i)^l
        let phase = [Complex(re: 1, im: 0), Complex(re: 0, im: -1), Complex(re: -1, im: 0), Complex(re: 0, im: 1)][l % 4]
        return q.map { $0 * phase }
    }

    /// ⟨j1 m1; j2 m2 | j3 m1+m2⟩ by Racah's formula (integer j).
    private static func su2(_ j1: Int, _ m1: Int, _ j2: Int, _ m2: Int, _ j3: Int) -> Double {
        let m3 = m1 + m2
        guard abs(m3) <= j3 else { return 0 }
        func f(_ n: Int) -> Double { n < 2 ? 1 : (2...n).reduce(1.0) { $0 * Double($1) } }
        let vmin = max(-j1 + j2 + m3, -j1 + m1, 0)
        let vmax = min(j2 + j3 + m1, j3 - j1 + j2, j3 + m3)
        let c = (Double(2 * j3 + 1) * f(j3 + j1 - j2) * f(j3 - j1 + j2) * f(j1 + j2 - j3) * f(j3 + m3) * f(j3 - m3)
                 / (f(j1 + j2 + j3 + 1) * f(j1 - m1) * f(j1 + m1) * f(j2 - m2) * f(j2 + m2))).squareRoot()
        guard vmin <= vmax else { return 0 }
        var s = 0.0
        for v in vmin...vmax {
            let sign = (v + j2 + m2) % 2 == 0 ? 1.0 : -1.0
            s += sign * f(j2 + j3 + m1 - v) * f(j1 - m1 + v) / (f(v) * f(j3 - j1 + j2 - v) * f(j3 + m3 - v) * f(v + j1 - j2 - m3))
        }
        return c * s
    }
}
