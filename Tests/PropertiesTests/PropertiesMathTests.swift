import Crystal
import Potentials
@testable import Properties
import XCTest

/// The pieces of the property calculations that need no potential: moduli of known tensors,
/// the applied strains, the Birch–Murnaghan fit and the magnetic summary.
final class PropertiesMathTests: XCTestCase {
    /// An isotropic solid with Lamé constants λ, µ: K = λ + 2µ/3 and G = µ in every average,
    /// E = µ(3λ + 2µ)/(λ + µ) and ν = λ/(2(λ + µ)).
    func testIsotropicTensorModuli() {
        let (lambda, mu) = (60.0, 40.0)
        var c = [[Double]](repeating: [Double](repeating: 0, count: 6), count: 6)
        for i in 0..<3 { for j in 0..<3 { c[i][j] = lambda + (i == j ? 2 * mu : 0) } }
        for i in 3..<6 { c[i][i] = mu }
        let t = ElasticTensor(voigt: c)
        for k in [t.kVoigt, t.kReuss, t.kVRH] { XCTAssertEqual(k, lambda + 2 * mu / 3, accuracy: 1e-9) }
        for g in [t.gVoigt, t.gReuss, t.gVRH] { XCTAssertEqual(g, mu, accuracy: 1e-9) }
        XCTAssertEqual(t.youngsModulus, mu * (3 * lambda + 2 * mu) / (lambda + mu), accuracy: 1e-9)
        XCTAssertEqual(t.poissonRatio, lambda / (2 * (lambda + mu)), accuracy: 1e-12)
        XCTAssertTrue(t.isMechanicallyStable)
        XCTAssertEqual(t.eigenvalues.first!, mu, accuracy: 1e-9)  // the shear modes (engineering strains)
    }

    /// An anisotropic cubic tensor: Reuss ≤ Hill ≤ Voigt for G, K equal in all averages; a
    /// negative C44 or C11 < C12 breaks Born stability.
    func testCubicBoundsAndBornCriteria() {
        func cubic(_ c11: Double, _ c12: Double, _ c44: Double) -> ElasticTensor {
            var c = [[Double]](repeating: [Double](repeating: 0, count: 6), count: 6)
            for i in 0..<3 { for j in 0..<3 { c[i][j] = i == j ? c11 : c12 } }
            for i in 3..<6 { c[i][i] = c44 }
            return ElasticTensor(voigt: c)
        }
        let t = cubic(165, 64, 79)
        XCTAssertEqual(t.kVoigt, (165 + 2 * 64) / 3, accuracy: 1e-9)
        XCTAssertEqual(t.kReuss, t.kVoigt, accuracy: 1e-9)
        XCTAssertLessThan(t.gReuss, t.gVRH)
        XCTAssertLessThan(t.gVRH, t.gVoigt)
        XCTAssertTrue(t.isMechanicallyStable)
        XCTAssertFalse(cubic(165, 64, -5).isMechanicallyStable)
        XCTAssertFalse(cubic(100, 120, 50).isMechanicallyStable)
        XCTAssertFalse(cubic(100, -60, 50).isMechanicallyStable)
    }

    /// The 24 strains of `DeformedStructureSet`: F is upper triangular and FᵀF = 2E + I with E
    /// the intended Green–Lagrange strain.
    func testStrainCases() {
        let cases = ElasticCalculator.strainCases(normal: [-0.01, -0.005, 0.005, 0.01], shear: [-0.06, -0.03, 0.03, 0.06])
        XCTAssertEqual(cases.count, 24)
        XCTAssertEqual(cases.map(\.component), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3])
        for c in cases {
            let f = c.deformation
            XCTAssertEqual(f[1, 0], 0)
            XCTAssertEqual(f[2, 0], 0)
            XCTAssertEqual(f[2, 1], 0)
            let ftf = f.transpose * f
            let (i, j) = ElasticCalculator.voigtIndices[c.component]
            let e = (ftf[i, j] - (i == j ? 1 : 0)) / 2
            XCTAssertEqual(i == j ? e : 2 * e, c.strain, accuracy: 1e-14)
            for a in 0..<3 { for b in 0..<3 where !((a, b) == (i, j) || (a, b) == (j, i)) {
                XCTAssertEqual(ftf[a, b], a == b ? 1 : 0, accuracy: 1e-14)
            } }
        }
    }

    /// Noise-free Birch–Murnaghan energies give back their parameters; noisy ones give a
    /// standard error of B0 of the size of the scatter's effect.
    func testBirchMurnaghanRecoversParameters() throws {
        let truth = [-42.0, 0.9, 4.6, 40.0]
        let volumes = (0..<11).map { 40 * pow(0.9 + 0.02 * Double($0), 3) }
        let fit = try BirchMurnaghanFit(volumes: volumes, energies: volumes.map { BirchMurnaghanFit.energy($0, truth) })
        XCTAssertEqual(fit.e0, truth[0], accuracy: 1e-8)
        XCTAssertEqual(fit.b0, truth[1], accuracy: 1e-6)
        XCTAssertEqual(fit.b1, truth[2], accuracy: 1e-4)
        XCTAssertEqual(fit.v0, truth[3], accuracy: 1e-6)
        XCTAssertEqual(fit.b0GPa, 0.9 * 160.21766208, accuracy: 1e-3)
        XCTAssertEqual(fit.r2, 1, accuracy: 1e-12)
        let noisy = try BirchMurnaghanFit(volumes: volumes, energies: volumes.enumerated().map {
            BirchMurnaghanFit.energy($1, truth) + ($0 % 2 == 0 ? 2e-3 : -2e-3)
        })
        let sigma = try XCTUnwrap(noisy.b0StandardErrorGPa)
        XCTAssertGreaterThan(sigma, 0)
        XCTAssertLessThan(abs(noisy.b0GPa - fit.b0GPa), 5 * sigma)
        XCTAssertThrowsError(try BirchMurnaghanFit(volumes: [1, 2, 3, 4, 5], energies: [5, 4, 3, 2, 1]))
        // Sampled only below V0, where E still falls: no minimum inside the scan.
        let below = (0..<11).map { 30 * pow(0.9 + 0.01 * Double($0), 3) }
        XCTAssertThrowsError(try BirchMurnaghanFit(volumes: below, energies: below.map { BirchMurnaghanFit.energy($0, truth) }))
        XCTAssertThrowsError(try BirchMurnaghanFit(volumes: [1, 2, 3], energies: [1, 0, 1]))
    }

    func testMagneticSummary() throws {
        let s = Structure(lattice: .cubic(2.87), species: [try Element("Fe"), try Element("Fe")],
                          fracCoords: [Vec3(0, 0, 0), Vec3(0.5, 0.5, 0.5)])
        let m = MagneticSummary(structure: s, magmoms: [2.2, -2.1])
        XCTAssertEqual(m.totalMoment, 4.3, accuracy: 1e-12)
        XCTAssertEqual(m.magneticDensity, 4.3 / pow(2.87, 3), accuracy: 1e-12)
        XCTAssertEqual(m.volumePerAtom, pow(2.87, 3) / 2, accuracy: 1e-12)
        XCTAssertEqual(m.density, 7.86, accuracy: 0.05)
    }
}
