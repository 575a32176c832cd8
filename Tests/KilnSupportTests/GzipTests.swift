import Foundation
import KilnSupport
import XCTest

final class GzipTests: XCTestCase {
    func testRoundTripAndConcatenatedMembers() throws {
        let text = Data(String(repeating: "kiln ", count: 10_000).utf8)
        let packed = try Gzip.compress(text)
        XCTAssertTrue(Gzip.isCompressed(packed))
        XCTAssertEqual(try Gzip.decompress(packed), text)
        XCTAssertEqual(try Gzip.decompress(packed + packed), text + text)
    }

    func testDecompressionStopsAtTheLimit() throws {
        let packed = try Gzip.compress(Data(count: 1 << 20))  // 1 MiB of zeros, about 1 KB packed
        XCTAssertEqual(try Gzip.decompress(packed, limit: 1 << 20).count, 1 << 20)
        XCTAssertThrowsError(try Gzip.decompress(packed, limit: 1000)) {
            XCTAssertEqual("\($0)", "decompressed data exceeds the limit of 1000 bytes")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-gzip-\(UUID().uuidString).gz")
        try packed.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try Gzip.readFile(url, limit: 4096))
    }

    func testCorruptDataIsAnError() throws {
        var packed = try Gzip.compress(Data("hello hello hello".utf8))
        packed = packed.prefix(packed.count - 6)
        XCTAssertThrowsError(try Gzip.decompress(packed))
    }
}
