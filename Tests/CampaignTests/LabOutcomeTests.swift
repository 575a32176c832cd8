@testable import Campaign
import Crystal
import Foundation
import GRDB
import Potentials
import Properties
import Thermo
import XCTest

/// Lab and DFT outcomes: read and checked with errors naming the field, stored all or none, and
/// changing what the campaign believes on the next scoring — a DFT energy places the candidate on
/// the hull (MP2020-corrected, as MP's own entries), a failed synthesis ranks it last, a measured
/// property replaces the prediction in the targets.
final class LabOutcomeTests: XCTestCase {
    func testFieldsAreCheckedByName() throws {
        func refused(_ fields: [String: String], _ field: String, line: UInt = #line) {
            XCTAssertThrowsError(try LabOutcome(fields: fields, source: "t"), line: line) {
                XCTAssertEqual(($0 as? OutcomeError)?.field, field, "\($0)", line: line)
            }
        }
        let base = ["candidate": "c1", "author": "A. Chemist", "method": "solid state, 900 °C"]
        refused(base.merging(["kind": "baking"]) { $1 }, "kind")
        refused(base.merging(["kind": "synthesis"]) { $1 }, "succeeded")
        refused(base.merging(["kind": "synthesis", "succeeded": "maybe"]) { $1 }, "succeeded")
        refused(base.merging(["kind": "synthesis", "succeeded": "false", "phase_pure": "true"]) { $1 }, "phase_pure")
        refused(base.merging(["kind": "synthesis", "succeeded": "true", "energy_per_atom": "-3"]) { $1 }, "energy_per_atom")
        refused(base.merging(["kind": "property", "property": "colour", "value": "1"]) { $1 }, "property")
        refused(base.merging(["kind": "property", "property": "band_gap", "value": "nan"]) { $1 }, "value")
        refused(base.merging(["kind": "property", "property": "band_gap", "value": "1.1", "sigma": "-1"]) { $1 }, "sigma")
        refused(base.merging(["kind": "dft", "energy_per_atom": "-300"]) { $1 }, "energy_per_atom")
        refused(base.merging(["kind": "dft", "energy_per_atom": "-3", "author": " "]) { $1 }, "author")
        refused(base.merging(["kind": "dft", "energy_per_atom": "-3", "colour": "red"]) { $1 }, "colour")
        refused(["kind": "dft", "energy_per_atom": "-3", "author": "a", "method": "b"], "candidate")
        XCTAssertThrowsError(try LabOutcome(fields: base.merging(["kind": "dft", "energy_per_atom": "-3"]) { $1 }, candidate: "c2", source: "t"))

        let ok = try LabOutcome(fields: base.merging(["kind": "synthesis", "succeeded": "TRUE", "phase_pure": "false"]) { $1 }, source: "t")
        XCTAssertEqual(ok.succeeded, true)
        XCTAssertEqual(ok.phasePure, false)
        let json = try LabOutcome(json: Data(#"{"kind": "dft", "energy_per_atom": -3.25, "author": "p", "method": "VASP"}"#.utf8), candidate: "c9", source: "api")
        XCTAssertEqual(json.energyPerAtom, -3.25)
        XCTAssertEqual(json.candidateId, "c9")
        XCTAssertThrowsError(try LabOutcome.list(json: Data(#"[{"kind": "dft", "candidate": "x", "author": "p", "method": "m"}]"#.utf8), source: "f")) {
            XCTAssertEqual(($0 as? OutcomeError)?.field, "[0].energy_per_atom")
        }
    }

    func testLatestOutcomeOfEachKindWins() {
        func outcome(_ kind: LabOutcome.Kind, _ t: Double, _ set: (inout LabOutcome) -> Void) -> LabOutcome {
            var o = LabOutcome(candidateId: "c", kind: kind, author: "a", method: "m", recordedAt: Date(timeIntervalSince1970: t), source: "t")
            set(&o)
            return o
        }
        let e = LabEvidence.byCandidate([
            outcome(.synthesis, 3) { $0.succeeded = true; $0.phasePure = true },
            outcome(.synthesis, 1) { $0.succeeded = false },
            outcome(.dft, 2) { $0.energyPerAtom = -4 },
            outcome(.dft, 1) { $0.energyPerAtom = -5 },
            outcome(.property, 1) { $0.property = "band_gap"; $0.value = 1.5; $0.sigma = 0.1 },
        ])["c"]
        XCTAssertEqual(e?.synthesis, .phasePure)
        XCTAssertEqual(e?.dftEnergyPerAtom, -4)
        XCTAssertEqual(e?.measured["band_gap"], PropertyValue(mean: 1.5, sigma: 0.1, unit: "eV"))
    }

    /// DFT results read from the codes' outputs: only a VASP energy with MP's settings reaches the MP
    /// hull; a later QE energy (its own scale) or a VASP one with other settings does not replace it.
    func testOnlyMPScaleEnergiesReachTheMPHull() throws {
        func dft(_ t: Double, _ code: String, _ energy: Double, _ scale: LabOutcome.HullScale) -> LabOutcome {
            var o = LabOutcome(candidateId: "c", kind: .dft, author: "a", method: "m", recordedAt: Date(timeIntervalSince1970: t), source: "t")
            (o.code, o.energyPerAtom, o.hullScale, o.structure, o.converged) = (code, energy, scale, "{}", true)
            return o
        }
        let outcomes = [dft(1, "vasp", -4, .mp2020), dft(2, "qe", -150, .qe), dft(3, "vasp", -4.5, .none)]
        for o in outcomes { XCTAssertNoThrow(try o.validate()) }
        XCTAssertEqual(LabEvidence.byCandidate(outcomes)["c"]?.dftEnergyPerAtom, -4)
        XCTAssertEqual(outcomes.map(\.placesOnMPHull), [true, false, false])

        func refused(_ o: LabOutcome, _ field: String, line: UInt = #line) {
            XCTAssertThrowsError(try o.validate(), line: line) { XCTAssertEqual(($0 as? OutcomeError)?.field, field, "\($0)", line: line) }
        }
        refused(dft(1, "qe", -150, .mp2020), "hull")
        refused(dft(1, "vasp", -150, .mp2020), "energy_per_atom")
        refused(dft(1, "vasp", -4, .qe), "hull")
        refused(dft(1, "castep", -4, .none), "code")
        var unconverged = dft(1, "vasp", -4, .mp2020)
        unconverged.converged = false
        refused(unconverged, "structure")
        var synthesis = LabOutcome(candidateId: "c", kind: .synthesis, author: "a", method: "m", source: "t")
        (synthesis.succeeded, synthesis.code) = (true, "vasp")
        refused(synthesis, "code")
    }

    /// A store from before the DFT-result columns (v11) keeps its outcomes: they read back with no
    /// code (numbers given on MP's scale) and still place the candidate on the MP hull.
    func testAV11StoreGainsTheDFTResultColumns() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-v11-\(UUID()).sqlite").path
        addTeardownBlock { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try KnowledgeStore(path: path)
        try store.insertNew([CandidateRecord(id: "c1", ordinal: 0, generator: "g", parent: nil, seed: 1, substitution: nil, formula: "NaCl",
                                             nSites: 2, nElements: 2, initialStructure: "{}")])
        var o = LabOutcome(candidateId: "c1", kind: .dft, author: "a", method: "VASP", source: "t")
        o.energyPerAtom = -3.4
        try store.record([o])
        let columns = KnowledgeStoreSchema.dftResultColumns.map(\.name)
        try DatabaseQueue(path: path).write { db in
            for c in columns { try db.execute(sql: "ALTER TABLE outcome DROP COLUMN \(c)") }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v12%'")
        }
        XCTAssertTrue(Set(columns).isDisjoint(with: try DatabaseQueue(path: path).read { try $0.columns(in: "outcome").map(\.name) }))
        let read = try XCTUnwrap(try KnowledgeStore(path: path).outcomes().first)
        XCTAssertNil(read.code)
        XCTAssertTrue(read.placesOnMPHull)
        XCTAssertEqual(LabEvidence.byCandidate([read])["c1"]?.dftEnergyPerAtom, -3.4)
        XCTAssertTrue(Set(columns).isSubset(of: try DatabaseQueue(path: path).read { try $0.columns(in: "outcome").map(\.name) }))
    }

    func testOutcomesChangeRankHullAndTargets() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-lab-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try CampaignSpec(
            name: "lab", chemicalSystems: [[try Element("Na"), try Element("Cl")]],
            generators: [.init(kind: .substitution, budget: 6, seed: 1), .init(kind: .randomSymmetric, budget: 3, seed: 2, timeLimit: 10)],
            maxAtoms: 4, relaxSteps: 150)
        let runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(try CHGNet()))
        _ = try runner.run()
        let store = try KnowledgeStore(path: runner.storePath)
        let ranked = try store.all().filter { $0.rank != nil }.sorted { $0.rank! < $1.rank! }
        XCTAssertGreaterThanOrEqual(ranked.count, 3)
        let (first, second) = (ranked[0], ranked[1])

        // All or none: one unknown candidate stops the whole batch.
        var failed = LabOutcome(candidateId: first.id, kind: .synthesis, author: "A. Chemist", method: "solid state, 800 °C, XRD", source: "test")
        failed.succeeded = false
        var dft = LabOutcome(candidateId: second.id, kind: .dft, author: "pipeline", method: "VASP PBE, MPRelaxSet", source: "test")
        dft.energyPerAtom = -3.30
        var stray = dft
        stray.candidateId = "no-such-candidate"
        XCTAssertThrowsError(try store.record([failed, dft, stray]))
        XCTAssertEqual(try store.outcomes().count, 0)
        try store.record([failed, dft])
        _ = try runner.run()

        let after = Dictionary(uniqueKeysWithValues: try store.all().map { ($0.id, $0) })
        XCTAssertEqual(after[first.id]?.synthesis, .failed)
        let rankedAfter = after.values.compactMap(\.rank)
        XCTAssertEqual(after[first.id]?.rank, rankedAfter.max(), "a failed synthesis ranks after every other candidate")
        // The DFT energy, MP2020-corrected, on the MP hull (the campaign's CHGNet candidates lie above it).
        let c = try after[second.id]!.structure(relaxed: true).composition
        let mpHull = try HullService(corrections: .mp2020, elements: Set(c.elements))
        let expected = try XCTUnwrap(mpHull.energyAboveHull(c, energy: -3.30 * c.numAtoms))
        XCTAssertEqual(after[second.id]?.dftEnergyPerAtom, -3.30)
        XCTAssertEqual(after[second.id]?.energyAboveHull ?? .nan, max(0, expected), accuracy: 1e-9)
        XCTAssertNotEqual(after[second.id]?.energyAboveHull ?? .nan, second.energyAboveHull ?? .nan, accuracy: 1e-3)
        let csv = try String(contentsOf: dir.appendingPathComponent("candidates.csv"), encoding: .utf8)
        XCTAssertTrue(csv.contains("failed"), "the CSV shows the synthesis verdict")

        // A measured band gap stands in for the prediction in the targets.
        let targeted = try CampaignSpec(toml: """
            [target]
            chemical_systems = ["Na-Cl"]
            [targets]
            band_gap = { min = 1.0, max = 3.0, use = "constraint" }
            [[generators]]
            kind = "substitution"
            """)
        let judge = CampaignRunner(spec: targeted, outputDirectory: dir, potential: .test(try CHGNet()))
        var r = first
        r.properties = ["band_gap": PropertyValue(mean: 5, sigma: 0.1, unit: "eV")]
        XCTAssertFalse(judge.evaluateTargets(&r).isEmpty, "the prediction (5 eV) is outside the window")
        r.measuredProperties = ["band_gap": PropertyValue(mean: 2, sigma: 0, unit: "eV")]
        XCTAssertEqual(judge.evaluateTargets(&r), [], "the measurement (2 eV) is inside")
        XCTAssertEqual(r.targetProbability ?? 0, 1, accuracy: 1e-9)
    }
}
