import Foundation
import GRDB

/// The knowledge store's tables, as migrations: SQLite's (GRDB, v1 … v12, so older store files
/// upgrade in place) and PostgreSQL's (one migration making the same tables as SQLite's v11, then
/// one per later change; later changes go into both lists). The same names everywhere; PostgreSQL keeps booleans as 0/1
/// integers and times as text, as SQLite does, so one binding of a record serves both.
public enum KnowledgeStoreSchema {
    /// SQLite's migrations.
    static var sqlite: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            try db.create(table: CandidateRecord.databaseTableName) { t in
                t.primaryKey("id", .text)
                t.column("ordinal", .integer).notNull().indexed()
                t.column("generator", .text).notNull()
                t.column("parent", .text)
                t.column("seed", .integer).notNull()
                t.column("substitution", .text)
                t.column("formula", .text).notNull()
                t.column("nSites", .integer).notNull()
                t.column("nElements", .integer).notNull()
                t.column("status", .text).notNull().indexed()
                t.column("initialStructure", .text).notNull()
                t.column("relaxedStructure", .text)
                t.column("duplicateOf", .text)
                for c in ["initialEnergyPerAtom", "finalEnergyPerAtom", "correctedEnergyPerAtom", "relaxSeconds",
                          "formationEnergyPerAtom", "eHull", "hhi", "abundance"] {
                    t.column(c, .double)
                }
                t.column("relaxSteps", .integer)
                for c in ["relaxOutcome", "spaceGroupBefore", "spaceGroupAfter", "decomposition", "noveltyMatch",
                          "violations", "error"] {
                    t.column(c, .text)
                }
                t.column("isUnique", .boolean)
                t.column("isNovel", .boolean)
                t.column("knownFormula", .boolean)
                t.column("rank", .integer)
            }
        }
        migrator.registerMigration("v2: one name for E_hull, stored stability verdict") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.rename(column: "eHull", to: "energyAboveHull")
                t.add(column: "isStable", .boolean)
            }
        }
        migrator.registerMigration("v3-magnetic-moments") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.add(column: "magneticMoments", .text)
            }
        }
        migrator.registerMigration("v4-stability-and-structure-type") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.add(column: "stability", .text)
                t.add(column: "structureType", .text)
            }
        }
        migrator.registerMigration("v5-pareto-ranking") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.add(column: "paretoFront", .integer)
                t.add(column: "paretoCrowding", .double)
            }
        }
        migrator.registerMigration("v6-property-targets") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                for c in ["screeningProperties", "properties", "propertyErrors", "explanations"] { t.add(column: c, .text) }
                t.add(column: "targetProbability", .double)
            }
        }
        migrator.registerMigration("v7-loop-rounds") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.add(column: "round", .integer).notNull().defaults(to: 0)
                for c in ["operation", "parents", "genome", "surrogate"] { t.add(column: c, .text) }
            }
        }
        migrator.registerMigration("v8-models-and-committee") { db in
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.add(column: "model", .text)
                t.add(column: "committee", .text)
                t.add(column: "energyAboveHullSpread", .double)
            }
        }
        migrator.registerMigration("v9-mlip-reference") { try addMLIPReferenceTable($0) }
        migrator.registerMigration("v10-lab-outcomes") { db in
            try db.create(table: LabOutcome.databaseTableName) { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("candidateId", .text).notNull().indexed().references(CandidateRecord.databaseTableName)
                for c in ["kind", "author", "method", "source"] { t.column(c, .text).notNull() }
                t.column("recordedAt", .datetime).notNull()
                for c in ["performedOn", "notes", "property"] { t.column(c, .text) }
                for c in ["succeeded", "phasePure"] { t.column(c, .boolean) }
                for c in ["value", "sigma", "energyPerAtom"] { t.column(c, .double) }
            }
            try db.alter(table: CandidateRecord.databaseTableName) { t in
                t.add(column: "dftEnergyPerAtom", .double)
                t.add(column: "synthesis", .text)
                t.add(column: "measuredProperties", .text)
            }
        }
        migrator.registerMigration("v11-task-queue") { try addTaskTable($0) }
        migrator.registerMigration("v12-dft-results") { db in
            try db.alter(table: LabOutcome.databaseTableName) { t in
                for c in dftResultColumns { t.add(column: c.name, c.sqlite) }
            }
        }
        return migrator
    }

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

    static func addTaskTable(_ db: Database) throws {
        try db.create(table: "task") { t in
            t.primaryKey("candidateId", .text).references(CandidateRecord.databaseTableName)
            t.column("ordinal", .integer).notNull()
            t.column("state", .text).notNull().indexed()
            t.column("owner", .text)
            t.column("leaseExpires", .double)
            t.column("attempts", .integer).notNull().defaults(to: 0)
        }
    }

    /// The outcome columns of a DFT result read from the code's output (`LabOutcome.code` …), added
    /// by SQLite's v12 and PostgreSQL's pg2.
    static let dftResultColumns: [(name: String, sqlite: Database.ColumnType, postgres: String)] = [
        ("code", .text, "text"), ("structure", .text, "text"), ("forces", .text, "text"), ("maxForce", .double, "double precision"),
        ("converged", .boolean, "bigint"), ("functional", .text, "text"), ("hubbardU", .text, "text"), ("hullScale", .text, "text"),
        ("energyAboveHull", .double, "double precision"), ("formationEnergyPerAtom", .double, "double precision"), ("hullNote", .text, "text"),
    ]

    /// PostgreSQL's migrations, in order: an identifier and its statements.
    public static let postgres: [(id: String, statements: [String])] = [
        ("pg1-as-sqlite-v11", [
            #"CREATE TABLE "meta" ("key" text PRIMARY KEY, "value" text NOT NULL)"#,
            """
            CREATE TABLE "candidate" ("id" text PRIMARY KEY, "ordinal" bigint NOT NULL, "generator" text NOT NULL, "parent" text,
              "seed" bigint NOT NULL, "substitution" text, "formula" text NOT NULL, "nSites" bigint NOT NULL, "nElements" bigint NOT NULL,
              "status" text NOT NULL, "initialStructure" text NOT NULL, "relaxedStructure" text, "duplicateOf" text,
              "initialEnergyPerAtom" double precision, "finalEnergyPerAtom" double precision, "correctedEnergyPerAtom" double precision,
              "relaxSeconds" double precision, "formationEnergyPerAtom" double precision, "energyAboveHull" double precision,
              "hhi" double precision, "abundance" double precision, "relaxSteps" bigint, "relaxOutcome" text, "spaceGroupBefore" text,
              "spaceGroupAfter" text, "decomposition" text, "noveltyMatch" text, "violations" text, "error" text, "isUnique" bigint,
              "isNovel" bigint, "knownFormula" bigint, "rank" bigint, "isStable" bigint, "magneticMoments" text, "stability" text,
              "structureType" text, "paretoFront" bigint, "paretoCrowding" double precision, "screeningProperties" text, "properties" text,
              "propertyErrors" text, "explanations" text, "targetProbability" double precision, "round" bigint NOT NULL DEFAULT 0,
              "operation" text, "parents" text, "genome" text, "surrogate" text, "model" text, "committee" text,
              "energyAboveHullSpread" double precision, "dftEnergyPerAtom" double precision, "synthesis" text, "measuredProperties" text)
            """,
            #"CREATE INDEX "candidate_on_ordinal" ON "candidate" ("ordinal")"#,
            #"CREATE INDEX "candidate_on_status" ON "candidate" ("status")"#,
            """
            CREATE TABLE "mlip_reference" ("key" text NOT NULL, "id" text NOT NULL, "formula" text NOT NULL, "energy" double precision,
              "outcome" text NOT NULL, "error" text, PRIMARY KEY ("key", "id"))
            """,
            """
            CREATE TABLE "outcome" ("id" bigserial PRIMARY KEY, "candidateId" text NOT NULL REFERENCES "candidate",
              "kind" text NOT NULL, "author" text NOT NULL, "method" text NOT NULL, "source" text NOT NULL, "recordedAt" text NOT NULL,
              "performedOn" text, "notes" text, "property" text, "succeeded" bigint, "phasePure" bigint, "value" double precision,
              "sigma" double precision, "energyPerAtom" double precision)
            """,
            #"CREATE INDEX "outcome_on_candidateId" ON "outcome" ("candidateId")"#,
            """
            CREATE TABLE "task" ("candidateId" text PRIMARY KEY REFERENCES "candidate", "ordinal" bigint NOT NULL, "state" text NOT NULL,
              "owner" text, "leaseExpires" double precision, "attempts" bigint NOT NULL DEFAULT 0)
            """,
            #"CREATE INDEX "task_on_state" ON "task" ("state")"#,
        ]),
        ("pg2-dft-results", dftResultColumns.map { #"ALTER TABLE "outcome" ADD COLUMN "\#($0.name)" \#($0.postgres)"# }),
    ]
}
