import Crystal
import Dynamics
import Foundation
import KilnTestSupport
import Potentials
import Tensor
import XCTest

/// Frequencies against phonopy with CHGNet 0.3.0 as its force calculator, on the same (CHGNet-relaxed)
/// structures, supercells and displacement length (Tests/Fixtures/phonons.json.gz, written by
/// scripts/make_phonon_fixture.py; settings in its docstring).
///
/// Tolerance: 0.03 THz + 1 % of the frequency. CHGNet runs in float32 on both sides and the two
/// implementations sum its forces in different orders; over a 0.01 Å displacement a force
/// difference of 1e-5 eV/Å is 1e-3 eV/Å² in a force constant, which moves a 5 THz mode by
/// about 0.01 THz and a near-zero acoustic mode by a few hundredths of a THz (square root).
final class PhononFixtureTests: XCTestCase {
    /// Single-threaded OpenBLAS, as in `kiln`: its spinning threads would fight the sampler's own.
    override func setUp() { ProcessSettings.applyForInference() }

    func testFrequenciesMatchPhonopyWithCHGNet() throws {
        let root = try XCTUnwrap(try Fixtures.json("phonons") as? [String: Any])
        let cases = try XCTUnwrap(root["results"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 10)
        var phonons = PhononCalculator(calculator: try CHGNet())
        phonons.relaxFirst = false
        var unstable: [String] = []
        for c in cases {
            let id = c["id"] as! String
            let structure = try Fixtures.structure(c["structure"]!)
            let size = c["supercell"] as! [Int]
            phonons.size = SIMD3(size[0], size[1], size[2])
            let supercell = try phonons.supercell(for: structure)
            XCTAssertEqual(supercell.displacements().count, (c["displacements"] as! [Any]).count, "\(id): phonopy's least displacements")
            let r = try phonons.calculate(structure)
            let points = c["q_points"] as! [String: [Double]]
            let expected = c["frequencies"] as! [String: [Double]]
            var worst = 0.0
            defer { print(String(format: "%@: %d displacements, largest |Δν| against phonopy %.4f THz", id, supercell.displacements().count, worst)) }
            for (label, q) in points {
                let got = r.dynamicalMatrix.frequencies(at: Vec3(q[0], q[1], q[2]))
                let want = expected[label]!
                XCTAssertEqual(got.count, want.count)
                for (g, w) in zip(got, want) {
                    worst = max(worst, abs(g - w))
                    XCTAssertEqual(g, w, accuracy: 0.03 + 0.01 * abs(w), "\(id) at \(label) \(q): \(got) vs phonopy \(want)")
                }
            }
            // The verdicts agree wherever phonopy's lowest mesh frequency is not within 0.03 THz of the tolerance.
            let phonopyMinimum = c["mesh_minimum"] as! Double
            if abs(phonopyMinimum + phonons.tolerance) > 0.03 {
                XCTAssertEqual(r.dynamicallyStable, phonopyMinimum >= -phonons.tolerance, "\(id): lowest \(r.minimumFrequency) at \(r.minimumAt) vs phonopy's mesh \(phonopyMinimum)")
            }
            if !r.dynamicallyStable { unstable.append(id) }
        }
        // Ideal cubic perovskites and cubic (ReO3-type) AlF3 are textbook cases of soft tilt or polar modes.
        for id in ["built:CaTiO3-cubic", "built:SrTiO3-cubic", "pmg-json:Al3F9"] { XCTAssert(unstable.contains(id), "\(id) must be flagged unstable") }
        for id in ["pmg-json:Si", "pmg-poscar:POSCAR_C2", "built:NaCl-rocksalt", "pmg-cif:Li"] { XCTAssertFalse(unstable.contains(id), id) }
    }
}
