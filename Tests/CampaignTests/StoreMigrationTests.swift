import Campaign
import Foundation
import GRDB
import XCTest

/// A store written before the v8 migration (no model or committee columns) opens, reads and is
/// upgraded in place.
final class StoreMigrationTests: XCTestCase {
    func testAV7StoreIsReadableAndGainsTheCommitteeColumns() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-migrate-\(UUID()).sqlite").path
        addTeardownBlock { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var old = CandidateRecord(id: "substitution-0-0000", ordinal: 0, generator: "substitution-0", parent: nil, seed: 1,
                                  substitution: nil, formula: "NaCl", nSites: 2, nElements: 2, initialStructure: "{}")
        old.status = .relaxed
        old.energyAboveHull = 0.02
        try KnowledgeStore(path: path).insertNew([old])
        // Turn it into a v7 store: drop what v8 added and forget that v8 ran.
        let columns = ["model", "committee", "energyAboveHullSpread"]
        try DatabaseQueue(path: path).write { db in
            for c in columns { try db.execute(sql: "ALTER TABLE candidate DROP COLUMN \(c)") }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v8%'")
        }
        let v7Columns = try DatabaseQueue(path: path).read { try $0.columns(in: "candidate").map(\.name) }
        XCTAssertTrue(Set(columns).isDisjoint(with: v7Columns))

        let store = try KnowledgeStore(path: path)
        let read = try XCTUnwrap(try store.all().first)
        XCTAssertEqual(read.energyAboveHull, 0.02)
        XCTAssertNil(read.model, "relaxed before models were recorded")
        XCTAssertNil(read.committee)
        var judged = read
        judged.model = "chgnet (CHGNet 0.3.0)"
        judged.committee = [CommitteeJudgement(model: "chgnet", energyPerAtom: -3.4)]
        judged.energyAboveHullSpread = 0.01
        try store.update(judged)
        XCTAssertEqual(try KnowledgeStore(path: path).all().first, judged)
    }
}
