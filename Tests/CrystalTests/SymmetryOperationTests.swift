import Crystal
import XCTest

final class SymmetryOperationTests: XCTestCase {
    private func op(_ rows: [[Double]], _ t: Vec3) -> SymmetryOperation {
        SymmetryOperation(rotation: Matrix3(rows), translation: t)
    }

    func testParsesJonesFaithfulStrings() throws {
        XCTAssertEqual(try SymmetryOperation(xyz: "x, y, z"), .identity)
        // Fractions, decimals, case, spaces and term order.
        let a = try SymmetryOperation(xyz: "-y+x, 1/2+X, -z-0.25")
        XCTAssertEqual(a, op([[1, -1, 0], [1, 0, 0], [0, 0, -1]], Vec3(0, 0.5, -0.25)))
        XCTAssertEqual(a.apply(Vec3(0.1, 0.2, 0.3)), Vec3(-0.1, 0.6, -0.55))
        XCTAssertEqual(try SymmetryOperation(xyz: "-x+y, -x, z+2/3"),
                       op([[-1, 1, 0], [-1, 0, 0], [0, 0, 1]], Vec3(0, 0, 2.0 / 3)))
        XCTAssertEqual(try SymmetryOperation(xyz: "x-y+1/2,\ty , -z+1"),
                       op([[1, -1, 0], [0, 1, 0], [0, 0, -1]], Vec3(0.5, 0, 1)))
        XCTAssertEqual(try SymmetryOperation(xyz: "x, y, 1*z+0.5"), op([[1, 0, 0], [0, 1, 0], [0, 0, 1]], Vec3(0, 0, 0.5)))
        // Wyckoff triplets: coefficients, constants only, singular rotations when allowed.
        XCTAssertEqual(try SymmetryOperation(xyz: "2x, x, 1/4", allowSingular: true),
                       op([[2, 0, 0], [1, 0, 0], [0, 0, 0]], Vec3(0, 0, 0.25)))
        XCTAssertEqual(try SymmetryOperation(xyz: "0, 1/2, 0", allowSingular: true),
                       op([[0, 0, 0], [0, 0, 0], [0, 0, 0]], Vec3(0, 0.5, 0)))
        XCTAssertEqual(try SymmetryOperation(xyz: "-2x+1/2, -x, z+3/4", allowSingular: true).translation, Vec3(0.5, 0, 0.75))
    }

    func testRejectsBadInput() {
        for bad in ["x, y", "x, y, z, x", "x, , z", "x, y, w", "x+, y, z", "x, y, z/2", "x, y, 1/0", "x, y, 1/",
                    "x, y, z++1", "x, y, 1..5"] {
            XCTAssertThrowsError(try SymmetryOperation(xyz: bad, allowSingular: true), bad) { e in
                XCTAssert(e is SymmetryOperation.Invalid, "\(bad): \(e)")
            }
        }
        XCTAssertThrowsError(try SymmetryOperation(xyz: "x, x, z"))  // singular
        XCTAssertThrowsError(try SymmetryOperation(xyz: "2x, y, z"))  // determinant 2
        XCTAssertNoThrow(try SymmetryOperation(xyz: "x, x, z", allowSingular: true))
    }

    func testPrinterRoundTrip() throws {
        let a = try SymmetryOperation(xyz: "-y+x, 1/2+X, -z-0.25")
        XCTAssertEqual(a.xyz, "x-y, x+1/2, -z-1/4")
        XCTAssertEqual(a.description, a.xyz)
        XCTAssertEqual(SymmetryOperation.identity.xyz, "x, y, z")
        XCTAssertEqual(try SymmetryOperation(xyz: "2x, 0, 5/6", allowSingular: true).xyz, "2x, 0, 5/6")
        XCTAssertEqual(op([[1, 0, 0], [0, 1, 0], [0, 0, 1]], Vec3(0.1, 0, 0)).xyz, "x+0.1, y, z")
        for text in ["-x+y, -x, z+2/3", "x-y+1/2, y, -z", "-x+3/4, -y+1/8, z+5/12", "y, x, -z+0.3"] {
            let parsed = try SymmetryOperation(xyz: text)
            XCTAssertEqual(try SymmetryOperation(xyz: parsed.xyz), parsed, text)
        }
    }

    func testCartesianAndTranslation() throws {
        let lattice = Lattice(a: 3, b: 3, c: 5, alpha: 90, beta: 90, gamma: 120)
        let sixfold = try SymmetryOperation(xyz: "x-y, x, z+1/2")
        let (w, t) = sixfold.cartesian(in: lattice)
        let product = w * w.transpose
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual(product[i, j], i == j ? 1 : 0, accuracy: 1e-12) } }
        XCTAssertEqual(t.z, 2.5, accuracy: 1e-12)
        XCTAssertFalse(sixfold.isTranslation)
        XCTAssertTrue(try SymmetryOperation(xyz: "x+1/2, y+1/2, z").isTranslation)
    }
}
