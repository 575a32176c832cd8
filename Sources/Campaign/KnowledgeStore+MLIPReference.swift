import Evaluation
import Thermo

/// The knowledge store as the campaign's cache of relaxed reference phases (`[hull] reference =
/// "mlip"`): table `mlip_reference`, one row per cache key and MP id, written as each relaxation ends.
extension KnowledgeStore: MLIPReferenceCache {
    public func mlipPhases(key: String) throws -> [String: MLIPReference.Phase] {
        try backend.read { c in
            var out: [String: MLIPReference.Phase] = [:]
            for row in try c.rows(#"SELECT "id", "formula", "energy", "outcome", "error" FROM "mlip_reference" WHERE "key" = ?"#, key) {
                out[row["id"]] = MLIPReference.Phase(id: row["id"], formula: row["formula"], energy: row["energy"],
                                                     outcome: row["outcome"], error: row["error"])
            }
            return out
        }
    }

    public func storeMLIPPhase(_ phase: MLIPReference.Phase, key: String) throws {
        try backend.write {
            try $0.execute(#"""
                INSERT INTO "mlip_reference" ("key", "id", "formula", "energy", "outcome", "error") VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT ("key", "id") DO UPDATE SET "formula" = excluded."formula", "energy" = excluded."energy",
                  "outcome" = excluded."outcome", "error" = excluded."error"
                """#, key, phase.id, phase.formula, phase.energy, phase.outcome, phase.error)
        }
    }
}
