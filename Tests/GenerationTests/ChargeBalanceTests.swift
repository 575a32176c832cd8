import Crystal
import Generation
import XCTest

final class ChargeBalanceTests: XCTestCase {
    func testKnownCompositions() throws {
        XCTAssertTrue(ChargeBalance.isNeutral(try Composition("LiCoO2")))
    }
}
