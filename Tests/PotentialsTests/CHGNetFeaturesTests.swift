import Crystal
import Foundation
import KilnTestSupport
import Potentials
import XCTest

/// CHGNet's crystal feature vector (`crystal_fea`: the atom features after the readout LayerNorm,
/// summed over atoms — 0.3.0 pools by sum) against chgnet 0.4.2 with the 0.3.0 model on 26 fixture structures of 1–20
/// sites (Tests/Fixtures/chgnet_features.json.gz, scripts/make_chgnet_features_fixture.py).
/// Compared per atom. Tolerances: the features are O(1) float32 numbers at the end of four interaction blocks, where
/// float32 summation order alone moves them by ~1e-5; 1e-3 absolute catches any wrong layer, norm or
/// pooling (a skipped LayerNorm or affine step changes them by O(0.1–1)). Energies as in
/// CHGNetFixtureTests (2e-5 eV/atom, 2e-4 for float32 noise).
final class CHGNetFeaturesTests: XCTestCase {
    func testCrystalFeaturesMatchCHGNet() throws {
        let fixture = try XCTUnwrap(try Fixtures.json("chgnet_features") as? [String: Any])
        let cases = try XCTUnwrap(fixture["results"] as? [[String: Any]])
        let structures = try XCTUnwrap(try Fixtures.json("structures") as? [String: Any])
        var byID: [String: Any] = [:]
        for s in try XCTUnwrap(structures["structures"] as? [[String: Any]]) { byID[s["id"] as! String] = s["structure"] }
        XCTAssertGreaterThanOrEqual(cases.count, 20)
        let model = try CHGNet()
        var worst = 0.0
        for c in cases {
            let id = c["id"] as! String
            let structure = try Fixtures.structure(try XCTUnwrap(byID[id], id))
            let f = try model.features(structure)
            XCTAssertEqual(f.atoms, structure.count)
            XCTAssertEqual(f.atomFeatures.count, structure.count * CHGNet.featureWidth)
            let expected = c["crystal_fea"] as! [Double]
            XCTAssertEqual(expected.count, CHGNet.featureWidth)
            for k in 0..<CHGNet.featureWidth {
                let sum = (0..<f.atoms).reduce(0.0) { $0 + Double(f.atomFeatures[$1 * f.width + k]) }
                worst = max(worst, abs(sum - expected[k]) / Double(f.atoms))
                XCTAssertEqual(sum / Double(f.atoms), expected[k] / Double(f.atoms), accuracy: 1e-3, "\(id) feature \(k)")
            }
            XCTAssertEqual(f.energyPerAtom, c["energy_per_atom"] as! Double, accuracy: 2e-4, id)
            let energy = try model.calculate(structure, properties: [.energy]).energy
            XCTAssertEqual(f.energy, energy, accuracy: 1e-9 * max(1, abs(energy)), "\(id): features and calculate disagree")
            for (m, e) in zip(f.magmoms, c["magmoms"] as! [Double]) { XCTAssertEqual(m, e, accuracy: 1e-3, id) }
        }
        print("largest crystal_fea difference per atom: \(worst)")
    }
}
