import Learning
import XCTest

final class SHA256Tests: XCTestCase {
    /// FIPS 180-4 example vectors and a multi-block message; digests from Python's hashlib.
    func testKnownVectors() {
        XCTAssertEqual(SHA256.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex(String(repeating: "a", count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    /// Ids, their first 8 hex digits (hashlib) and the resulting split.
    func testMaterialIDSplit() {
        let cases: [(String, String, DataSplit)] = [
            ("mp-1", "d6343db2", .test), ("mp-1000", "e321e444", .training), ("mp-10000", "d0acc3fd", .training),
            ("mp-22526", "e8e032eb", .validation), ("mp-149", "e9af2c10", .training),
        ]
        for (id, prefix, split) in cases {
            XCTAssertEqual(String(SHA256.hex(id).prefix(8)), prefix, id)
            XCTAssertEqual(DataSplit(id: id), split, id)
        }
    }
}
