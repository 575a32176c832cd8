import Crystal
import KilnTestSupport
import Potentials
import XCTest

/// The AVX2 and baseline builds of the CHGNet row kernels do the same float operations in the
/// same order, so CHGNet's outputs must agree bit for bit, whichever the CPU runs.
final class RowKernelTests: XCTestCase {
    override func tearDown() {
        RowKernels.use(.avx2)  // back to the default (AVX2 where the CPU has it)
        super.tearDown()
    }

    func testVariantsGiveBitIdenticalCHGNetOutputs() throws {
        guard RowKernels.use(.avx2) == .avx2 else { throw XCTSkip("this CPU has no AVX2") }
        let model = try CHGNet()
        let fixture = try XCTUnwrap(try Fixtures.json("structures") as? [String: Any])
        let entries = try XCTUnwrap(fixture["structures"] as? [[String: Any]])
        // the smallest, a mid-sized and the largest of up to 48 sites: graphs below and above the
        // row count at which loops split across cores
        let picked = try entries.map { try Fixtures.structure($0["structure"]!) }.filter { $0.count <= 48 }.sorted { $0.count < $1.count }
        XCTAssertGreaterThan(picked.count, 3)
        for s in [picked[0], picked[picked.count / 2], picked[picked.count - 1]] {
            RowKernels.use(.avx2)
            let fast = try model.calculate(s, properties: .all)
            XCTAssertEqual(RowKernels.use(.baseline), .baseline)
            let base = try model.calculate(s, properties: .all)
            XCTAssertEqual(fast.energy.bitPattern, base.energy.bitPattern, "\(s.composition.reducedFormula)")
            XCTAssertEqual(fast.forces.flatMap { [$0.x, $0.y, $0.z] }.map(\.bitPattern),
                           base.forces.flatMap { [$0.x, $0.y, $0.z] }.map(\.bitPattern))
            XCTAssertEqual(try XCTUnwrap(fast.stress).array.flatMap { $0 }.map(\.bitPattern),
                           try XCTUnwrap(base.stress).array.flatMap { $0 }.map(\.bitPattern))
            XCTAssertEqual(fast.magmoms.map(\.bitPattern), base.magmoms.map(\.bitPattern))
        }
    }
}
