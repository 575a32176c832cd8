import Crystal
import Foundation
import KilnSupport
import KilnTestSupport
import Potentials
import Properties
import Tensor
import XCTest

/// Kiln against matcalc 0.7.0 + CHGNet 0.3.0 on every structure of
/// Tests/Fixtures/elastic_eos.json.gz (scripts/make_elastic_eos_fixture.py; matcalc defaults,
/// ions relaxed in each strained cell; 25 structures, all 7 crystal systems).
///
/// `testPymatgenMathOnMatcalcData` checks, for every structure and without a potential, that
/// Kiln's averages, eigenvalues and Born verdict of matcalc's own tensor and Kiln's
/// Birch–Murnaghan fit of matcalc's own E(V) points are pymatgen's. `testAgainstMatcalc` runs the
/// whole CHGNet pipeline: in a debug build on the three smallest cells (Li, Be, Si; about three
/// minutes in all), in a release build (`swift test -c release`) on every one.
///
/// Some structures have no well-defined equation of state, and the tests say so instead of
/// skipping them: where pymatgen's fit fails (graphite, whose layers CHGNet lets drift apart, so
/// the lowest energy is at the edge of the scan; a perovskite whose expanded cells fall into
/// another structure) or where matcalc only warns (R² below its `r2_min` 0.95: the MoS₂
/// monolayer with 20 Å of vacuum, whose energy does not depend on the cell height), Kiln's
/// `EOSCalculator.fit` must refuse.
final class MatcalcFixtureTests: XCTestCase {
    #if DEBUG
    static let checked = 3
    #else
    static let checked = Int.max
    #endif

    /// Tolerances of the CHGNet pipeline. The same algorithm runs on both sides; what is left is
    /// FIRE stopping at fmax 0.1 eV/Å on slightly different float32 paths (PyTorch's and Kiln's
    /// summation orders differ). A residual force of that size leaves a residual stress of up to
    /// a few tenths of a GPa in a 5-site cell, which the ±0.5 % normal strains amplify by 1/ε
    /// into cᵢⱼ. The bounds are a few times the measured differences (docs/properties.md) and far
    /// below what a wrong convention does (a missed ion relaxation or engineering-strain factor
    /// changes cᵢⱼ by tens of percent).
    enum Tolerance {
        /// Elastic constants: absolute GPa plus a fraction of the largest |cᵢⱼ|.
        static let cAbsolute = 2.0, cRelative = 0.01
        /// Voigt, Reuss and Hill K and G: absolute GPa plus a fraction of matcalc's Voigt value of
        /// the same modulus, the tensor's scale. Reuss averages invert the tensor, so near a zero
        /// eigenvalue they amplify cᵢⱼ differences (layered carbon C-189705, eigenvalues −0.6 and
        /// 3.1 GPa: cᵢⱼ 3 GPa apart move K_Reuss by 1.9 GPa out of 17; K_Voigt is 235 GPa).
        static let modulusAbsolute = 0.5, modulusRelative = 0.02
        /// Birch–Murnaghan: B0 relative, V0 relative, B0′ absolute, E0 per atom (eV).
        static let b0Relative = 0.02, v0Relative = 0.002, b1Absolute = 0.2, e0PerAtom = 0.001
        /// E(V) points where matcalc's fit is usable: volume relative, energy per atom (eV).
        static let scanVolume = 0.002, scanEnergyPerAtom = 0.002
        /// Site magnetic moments (µB).
        static let magmom = 0.01
    }

    override class func setUp() {
        super.setUp()
        ProcessSettings.applyForInference()
    }

    /// One line per structure on stderr as soon as it is done (these runs take minutes).
    private func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

    private func records() throws -> [[String: Any]] {
        let fixture = try XCTUnwrap(try Fixtures.json("elastic_eos") as? [String: Any])
        let all = try XCTUnwrap(fixture["results"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(all.count, 20)
        XCTAssertEqual(Set(all.map { $0["crystal_system"] as! String }).count, 7)
        return all
    }

    /// matcalc's E(V) fit is usable: pymatgen fitted it, with B0 > 0 and R² at least matcalc's
    /// `r2_min` (0.95, `EOSCalculator.r2Min`'s default).
    private func hasEquationOfState(_ q: [String: Any]) -> Bool {
        guard let r2 = q["r2"] as? Double, let b0 = q["b0_GPa"] as? Double else { return false }
        return r2 >= 0.95 && b0 > 0
    }

    /// Every structure, no potential evaluated: from matcalc's tensor, Kiln's Voigt/Reuss/Hill
    /// moduli, Young's modulus, Poisson ratio, eigenvalues and Born verdict are pymatgen's
    /// (round-off); from matcalc's E(V) points, Kiln's Birch–Murnaghan parameters and R² are
    /// pymatgen's to the fit's convergence tolerance (MINPACK stops at a relative change of
    /// 1.5e-8 in the sum of squares), and where matcalc has no usable fit `EOSCalculator.fit`
    /// refuses the same points.
    func testPymatgenMathOnMatcalcData() throws {
        let eos = EOSCalculator(calculator: try CHGNet())
        var failures: [String] = []
        var compared = 0, refused = 0
        for c in try records() {
            let id = c["id"] as! String
            guard let e = c["elastic"] as? [String: Any] else {
                XCTAssertNotNil(c["error"], "\(id): neither a tensor nor an error")
                continue
            }
            let t = ElasticTensor(voigt: e["elastic_tensor"] as! [[Double]])
            for (name, mine) in [("k_voigt", t.kVoigt), ("k_reuss", t.kReuss), ("k_vrh", t.kVRH), ("g_voigt", t.gVoigt),
                                 ("g_reuss", t.gReuss), ("g_vrh", t.gVRH), ("youngs_modulus", t.youngsModulus),
                                 ("poisson_ratio", t.poissonRatio)] {
                let ref = e[name] as! Double
                if abs(mine - ref) > 1e-9 * max(1, abs(ref)) { failures.append("\(id): \(name) \(mine), pymatgen \(ref)") }
            }
            let refEigen = e["eigenvalues"] as! [Double]
            let dEigen = zip(t.eigenvalues, refEigen).map { abs($0 - $1) }.max()!
            if dEigen > 1e-9 * refEigen.map(abs).max()! { failures.append("\(id): eigenvalues \(t.eigenvalues), numpy \(refEigen)") }
            if t.isMechanicallyStable != e["born_stable"] as! Bool { failures.append("\(id): Born verdict differs") }

            let q = try XCTUnwrap(c["eos"] as? [String: Any], "\(id): no E(V) points")
            let scan = EOSCalculator.Scan(volumes: q["volumes"] as! [Double], energies: q["energies"] as! [Double],
                                          structure: try Fixtures.structure(c["structure"]!))
            guard hasEquationOfState(q) else {
                XCTAssertThrowsError(try eos.fit(scan), "\(id): matcalc has no usable fit")
                refused += 1
                continue
            }
            let f = try eos.fit(scan)
            let refB0 = q["b0_GPa"] as! Double, refV0 = q["v0"] as! Double
            for (name, mine, ref, tol) in [("B0", f.b0GPa, refB0, 1e-4 * refB0), ("V0", f.v0, refV0, 1e-6 * refV0),
                                           ("B0′", f.b1, q["b1"] as! Double, 1e-3), ("E0", f.e0, q["e0"] as! Double, 1e-6),
                                           ("R²", f.r2, q["r2"] as! Double, 1e-6)]
            where abs(mine - ref) > tol {
                failures.append("\(id): \(name) \(mine), pymatgen \(ref)")
            }
            compared += 1
        }
        XCTAssertGreaterThan(compared, 0)
        XCTAssertGreaterThan(refused, 0)  // graphite, the MoS₂ monolayer
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }

    func testAgainstMatcalc() throws {
        let model = try CHGNet()
        let cases = try records().sorted { (($0["structure"] as! [String: Any])["species"] as! [Any]).count
            < (($1["structure"] as! [String: Any])["species"] as! [Any]).count }.prefix(Self.checked)
        var failures: [String] = []
        for c in cases {
            let id = c["id"] as! String
            let structure = try Fixtures.structure(c["structure"]!)
            let n = Double(structure.count)
            let t0 = Date()
            // Magnetism on the structure as given.
            let ours = MagneticSummary(structure: structure,
                                       magmoms: try model.calculate(structure, properties: [.energy, .magmoms]).magmoms)
            let refMagmoms = c["magmoms"] as! [Double]
            if abs(ours.totalMoment - refMagmoms.reduce(0, +)) > Tolerance.magmom * n {
                failures.append(String(format: "%@: total moment %.3f, matcalc %.3f", id, ours.totalMoment, refMagmoms.reduce(0, +)))
            }
            // Elastic tensor: every component, the six averages, the Born verdict.
            guard let e = c["elastic"] as? [String: Any] else {
                XCTAssertThrowsError(try ElasticCalculator(calculator: model).calculate(structure), "\(id): matcalc failed: \(c["error"]!)")
                continue
            }
            // From matcalc's relaxed structure: a hypothetical cell may start at a saddle, and
            // which minimum FIRE reaches then depends on its path (perov5 ScSnO2F: matcalc breaks
            // the symmetry and ends 0.16 eV/atom lower, Kiln stays). Kiln relaxes it again, which
            // ends at once where both agree the forces are below fmax.
            let start = try Fixtures.structure(e["relaxed_structure"]!)
            let refC = e["elastic_tensor"] as! [[Double]]
            let t = try ElasticCalculator(calculator: model).calculate(start).tensor
            let refStable = e["born_stable"] as! Bool
            if t.isMechanicallyStable != refStable {
                failures.append("\(id): Born stable \(t.isMechanicallyStable), matcalc \(refStable) (eigenvalues \(t.eigenvalues))")
            }
            let cTol = Tolerance.cAbsolute + Tolerance.cRelative * refC.joined().map(abs).max()!
            let dC = zip(t.voigt.joined(), refC.joined()).map { abs($0 - $1) }.max()!
            if dC > cTol { failures.append(String(format: "%@: max |Δcᵢⱼ| %.2f GPa > %.2f", id, dC, cTol)) }
            for (name, mine) in [("k_voigt", t.kVoigt), ("k_reuss", t.kReuss), ("k_vrh", t.kVRH),
                                 ("g_voigt", t.gVoigt), ("g_reuss", t.gReuss), ("g_vrh", t.gVRH)] {
                let ref = e[name] as! Double, voigt = e[name.hasPrefix("k") ? "k_voigt" : "g_voigt"] as! Double
                if abs(mine - ref) > Tolerance.modulusAbsolute + Tolerance.modulusRelative * abs(voigt) {
                    failures.append(String(format: "%@: %@ %.2f GPa, matcalc %.2f", id, name, mine, ref))
                }
            }
            // Equation of state: the E(V) points always, the fit where matcalc's is usable.
            let q = try XCTUnwrap(c["eos"] as? [String: Any])
            let eos = EOSCalculator(calculator: model)
            let scan = try eos.scan(start)
            let refV = q["volumes"] as! [Double], refE = q["energies"] as! [Double]
            XCTAssertEqual(scan.volumes.count, refV.count, id)
            let dV = zip(scan.volumes, refV).map { abs($0 - $1) / $1 }.max()!
            let dE = zip(scan.energies, refE).map { abs($0 - $1) / n }.max()!
            var summary = String(format: "%@: max|Δc| %.2f GPa, K %.2f/%.2f, G %.2f/%.2f, Born %@, E(V) Δ %.2f meV/atom",
                                 id, dC, t.kVRH, e["k_vrh"] as! Double, t.gVRH, e["g_vrh"] as! Double,
                                 t.isMechanicallyStable ? "stable" : "unstable", 1000 * dE)
            if hasEquationOfState(q) {
                if dV > Tolerance.scanVolume || dE > Tolerance.scanEnergyPerAtom {
                    failures.append(String(format: "%@: E(V) points differ by %.4f %% in V, %.2f meV/atom in E", id, 100 * dV, 1000 * dE))
                }
                let f = try eos.fit(scan)
                let refB0 = q["b0_GPa"] as! Double, refV0 = q["v0"] as! Double
                let refB1 = q["b1"] as! Double, refE0 = q["e0"] as! Double
                if abs(f.b0GPa - refB0) > Tolerance.b0Relative * refB0 { failures.append(String(format: "%@: B0 %.2f GPa, matcalc %.2f", id, f.b0GPa, refB0)) }
                if abs(f.v0 - refV0) > Tolerance.v0Relative * refV0 { failures.append(String(format: "%@: V0 %.3f Å³, matcalc %.3f", id, f.v0, refV0)) }
                if abs(f.b1 - refB1) > Tolerance.b1Absolute { failures.append(String(format: "%@: B0′ %.2f, matcalc %.2f", id, f.b1, refB1)) }
                if abs(f.e0 - refE0) / n > Tolerance.e0PerAtom { failures.append(String(format: "%@: E0 %.4f eV, matcalc %.4f", id, f.e0, refE0)) }
                summary += String(format: ", B0 %.2f/%.2f, B0′ %.2f/%.2f, V0 Δ %.3f %%, E0 Δ %.2f meV/atom",
                                  f.b0GPa, refB0, f.b1, refB1, 100 * (f.v0 - refV0) / refV0, 1000 * (f.e0 - refE0) / n)
            } else {
                // No equation of state on either side; the points need not agree, since a scan that
                // falls into another structure does so at a step that depends on the FIRE path.
                XCTAssertThrowsError(try eos.fit(scan), "\(id): matcalc has no usable fit (\(c["eos_error"] ?? "R² \(q["r2"]!)"))")
                summary += ", no EOS (as matcalc)"
            }
            log(summary + String(format: ", %.1f s", Date().timeIntervalSince(t0)))
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
    }
}
