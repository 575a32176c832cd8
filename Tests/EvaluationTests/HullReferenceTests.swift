import Crystal
import Evaluation
import Thermo
import XCTest

final class HullReferenceTests: XCTestCase {
    /// An element at MP's elemental reference energy lies on the hull; 0.3 eV/atom more lies 0.3 above.
    func testElementalReferenceIsOnTheHull() throws {
        let hull = try HullReference()
        let refs = try MPElementalReferences.bundled()
        let si = try Element("Si")
        let mu = try XCTUnwrap(refs.energyPerAtom[si])
        let c = Composition([(si, 8)])
        XCTAssertEqual(try XCTUnwrap(hull.energyAboveHull(c, energy: 8 * mu)), 0, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(hull.energyAboveHull(c, energy: 8 * (mu + 0.3))), 0.3, accuracy: 1e-6)
        // A pure element gets no MP2020 correction, so the corrected hull agrees.
        XCTAssertEqual(try XCTUnwrap(HullReference(applyMP2020: true).energyAboveHull(c, energy: 8 * mu)), 0, accuracy: 1e-6)
    }
}
