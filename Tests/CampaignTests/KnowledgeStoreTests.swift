import Campaign
import XCTest

final class KnowledgeStoreTests: XCTestCase {
    func testInsertIsIdempotentAndUpdatesPersist() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-store-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("c.sqlite").path
        let recs = (0..<5).map {
            CandidateRecord(id: "g-\($0)", ordinal: $0, generator: "g", parent: nil, seed: 1, substitution: nil,
                            formula: "NaCl", nSites: 2, nElements: 2, initialStructure: "{}")
        }
        do {
            let store = try KnowledgeStore(path: path)
            XCTAssertEqual(try store.insertNew(recs), 5)
            XCTAssertEqual(try store.insertNew(recs), 0)
            var r = recs[2]
            r.status = .relaxed
            r.energyAboveHull = 0.01
            r.magneticMoments = [0.25, 3.75]
            try store.update(r)
            try store.setMeta("fingerprint", "abc")
        }
        let reopened = try KnowledgeStore(path: path)
        XCTAssertEqual(try reopened.all().count, 5)
        XCTAssertEqual(try reopened.candidates(status: .relaxed).map(\.id), ["g-2"])
        XCTAssertEqual(try reopened.candidates(status: .relaxed).first?.energyAboveHull, 0.01)
        XCTAssertEqual(try reopened.candidates(status: .relaxed).first?.magneticMoments, [0.25, 3.75])
        XCTAssertNil(try reopened.all().first?.magneticMoments)
        XCTAssertEqual(try reopened.meta("fingerprint"), "abc")
        XCTAssertEqual(try reopened.count(generator: "g"), 5)
    }

    /// Store errors name the file or the candidate (issue 12, hostile input 13: "SQLite error 14"
    /// without a path; a JSON decoding error that did not name the candidate).
    func testErrorsNameTheStoreAndTheCandidate() throws {
        let missing = "/nonexistent-\(UUID())/campaign.sqlite"
        XCTAssertThrowsError(try KnowledgeStore(path: missing)) { error in
            XCTAssertTrue("\(error)".contains(missing), "\(error)")
        }
        let record = CandidateRecord(id: "substitution-0-0003", ordinal: 3, generator: "substitution-0", parent: nil, seed: 1,
                                     substitution: nil, formula: "NaCl", nSites: 2, nElements: 2, initialStructure: "{\"lattice\": 1}")
        XCTAssertThrowsError(try record.structure()) { XCTAssertTrue("\($0)".contains("candidate substitution-0-0003"), "\($0)") }
        XCTAssertThrowsError(try record.structure(relaxed: true)) { XCTAssertTrue("\($0)".contains("no relaxed structure"), "\($0)") }
    }
}
