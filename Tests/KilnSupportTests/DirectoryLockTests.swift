import Foundation
import KilnSupport
import XCTest

final class DirectoryLockTests: XCTestCase {
    /// A second lock on the same folder fails at once, naming the folder; after release it is free.
    func testSecondLockIsRefusedUntilReleased() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-lock-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try DirectoryLock(folder: dir)
        XCTAssertThrowsError(try DirectoryLock(folder: dir)) { error in
            XCTAssertTrue("\(error)".contains(dir.path) && "\(error)".contains("in use"), "\(error)")
        }
        first.release()
        try DirectoryLock(folder: dir).release()
        XCTAssertThrowsError(try DirectoryLock(folder: dir.appendingPathComponent("missing"))) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot create"), "\(error)")
        }
    }
}
