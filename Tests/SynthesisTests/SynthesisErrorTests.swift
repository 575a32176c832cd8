import XCTest
@testable import Synthesis

final class SynthesisErrorTests: XCTestCase {
    func testDescriptionIsTheMessage() {
        XCTAssertEqual(SynthesisError("no precursors for Xe").description, "no precursors for Xe")
    }
}
