import Evaluation
import GRDB
import Thermo

/// The knowledge store as the campaign's cache of relaxed reference phases (`[hull] reference =
/// "mlip"`): table `mlip_reference`, one row per cache key and MP id, written as each relaxation ends.
extension KnowledgeStore: MLIPReferenceCache {
    /// The migration that adds the `mlip_reference` table.
    static func addMLIPReferenceTable(_ db: Database) throws {
        try db.create(table: "mlip_reference") { t in
            t.column("key", .text).notNull()
            t.column("id", .text).notNull()
            t.column("formula", .text).notNull()
            t.column("energy", .double)
            t.column("outcome", .text).notNull()
            t.column("error", .text)
            t.primaryKey(["key", "id"])
        }
    }

    public func mlipPhases(key: String) throws -> [String: MLIPReference.Phase] {
        try db.read { db in
            var out: [String: MLIPReference.Phase] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, formula, energy, outcome, error FROM mlip_reference WHERE key = ?",
                                        arguments: [key]) {
                out[row["id"]] = MLIPReference.Phase(id: row["id"], formula: row["formula"], energy: row["energy"],
                                                     outcome: row["outcome"], error: row["error"])
            }
            return out
        }
    }

    public func storeMLIPPhase(_ phase: MLIPReference.Phase, key: String) throws {
        try db.write {
            try $0.execute(sql: "INSERT OR REPLACE INTO mlip_reference(key, id, formula, energy, outcome, error) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [key, phase.id, phase.formula, phase.energy, phase.outcome, phase.error])
        }
    }
}
