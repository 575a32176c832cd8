import Campaign
import CrystalIO
import DFT
import Foundation
import KilnSupport
import XCTest
@testable import KilnCommands

/// `kiln serve` and `kiln ingest` on the command line: options checked, and outcomes from a file
/// recorded all or none before the campaign is scored again; DFT results read from VASP outputs
/// (`--dft`), placed on MP's hull only with MP's settings, and a batch with a truncated run refused whole.
final class IngestCommandTests: CommandTestCase {
    func testServeAndIngestParse() throws {
        let serve = try parse(ServeCommand.self, ["serve", "--data", "d", "--port", "0", "--protect-reads", "--max-body", "4096"])
        XCTAssertEqual(serve.data, "d")
        XCTAssertEqual(serve.port, 0)
        XCTAssertTrue(serve.protectReads)
        XCTAssertEqual(serve.maxBody, 4096)
        assertUsageError(["serve", "--port", "70000"], "--port: expected 0…65535")
        assertUsageError(["serve", "--max-body", "10"], "--max-body")
        let dft = try parse(IngestCommand.self, ["ingest", "--dft", "runs", "c.toml", "--references", "refs", "--author", "A"])
        XCTAssertTrue(dft.dft)
        XCTAssertEqual(dft.references, "refs")
        assertUsageError(["ingest", "o.csv", "c.toml", "--references", "refs"], "--references needs --dft")
        assertUsageError(["ingest", "o.csv", "c.toml", "--author", "A"], "--author needs --dft")
        let ingest = try parse(IngestCommand.self, ["ingest", "o.csv", "c.toml", "--out", "x"])
        XCTAssertEqual(ingest.outcomes, "o.csv")
        XCTAssertEqual(ingest.options.out, "x")
        XCTAssertEqual(ingest.options.campaign, "c.toml")
        assertUsageError(["ingest", "o.csv"], "Missing expected argument")
    }

    /// A small Na–Cl campaign (four substitution candidates, rock salt among them) called `name`.
    func naclCampaign(_ name: String) throws -> String {
        try write(text: """
            name = "\(name)"
            [target]
            chemical_systems = ["Na-Cl"]
            max_atoms = 4
            [relax]
            steps = 150
            [[generators]]
            kind = "substitution"
            budget = 4
            seed = 1
            """, "\(name).toml")
    }

    func testIngestRecordsAllOrNoneThenRescores() throws {
        let campaign = try naclCampaign("ingest")
        let out = path("ingest-out")
        let bad = try write(text: "candidate,kind,author,method,succeeded\nsubstitution-0-0000,synthesis,A,solid state,false\nsubstitution-0-0001,synthesis,A,,false\n", "bad.csv")
        assertRunError(["ingest", bad, campaign, "--out", out], "no knowledge store", "kiln design")
        try run(["design", campaign, "--out", out])
        assertRunError(["ingest", bad, campaign, "--out", out], "bad.csv", "line 3", "method")
        let csv = { try String(contentsOfFile: self.path("ingest-out/candidates.csv"), encoding: .utf8) }
        XCTAssertFalse(try csv().contains(",failed,"), "nothing of the bad file was stored")
        let stray = try write(text: "candidate,kind,author,method,succeeded\nsubstitution-0-0000,synthesis,A,solid state,false\nnot-a-candidate,synthesis,A,solid state,true\n", "stray.csv")
        assertRunError(["ingest", stray, campaign, "--out", out], "no candidate 'not-a-candidate'")
        let good = try write(text: "candidate,kind,author,method,succeeded\nsubstitution-0-0000,synthesis,A. Chemist,\"solid state, XRD\",false\n", "good.csv")
        let text = try run(["ingest", good, campaign, "--out", out])
        XCTAssertTrue(text.contains("campaign ingest"), text)
        let table = try CSVTable(text: try csv())
        let row = try XCTUnwrap(table.rows.first { $0[table.column("id")!] == "substitution-0-0000" })
        XCTAssertEqual(row[try XCTUnwrap(table.column("synthesis"))], "failed")
    }

    /// The VASP fixtures (Tests/Fixtures/vasp): a static GGA run of rock-salt NaCl with MP's settings,
    /// ingested for the campaign's rock-salt candidate from a folder of run folders named by candidate
    /// id, places it on MP's hull with MP2020 (MP has rock salt on the hull: E_hull below 0.05 eV/atom
    /// even though these are not MP's exact k-points); the same run with PBEsol is stored without a
    /// hull, saying why; a batch holding a truncated vasprun.xml stores nothing and names the file.
    func testIngestDFTRunsFromVASPOutputs() throws {
        let campaign = try naclCampaign("ingest-dft")
        let out = path("dft-out")
        try run(["design", campaign, "--out", out])
        let store = try KnowledgeStore(path: out + "/campaign.sqlite")
        let rockSalt = try XCTUnwrap(try store.all().first { $0.spaceGroupAfter == "Fm-3m (225)" }, "the campaign has a rock-salt NaCl")
        let xml = try Gzip.readFile(URL(fileURLWithPath: Self.fixtures + "/nacl-static.vasprun.xml.gz"))
        func runFolder(_ batch: String, _ name: String, _ data: Data) throws {
            let dir = URL(fileURLWithPath: path(batch)).appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try data.write(to: dir.appendingPathComponent("vasprun.xml"))
        }
        // One good run and one cut off: nothing stored, the cut-off file named.
        let other = try XCTUnwrap(try store.all().first { $0.id != rockSalt.id && $0.status == .relaxed })
        try runFolder("batch", "001-NaCl-" + rockSalt.id, xml)
        try runFolder("batch", other.id, xml.prefix(xml.count / 2))
        assertRunError(["ingest", "--dft", path("batch"), campaign, "--out", out], path("batch") + "/\(other.id)/vasprun.xml", "truncated")
        XCTAssertTrue(try store.outcomes().isEmpty, "nothing of the batch was stored")

        try FileManager.default.removeItem(atPath: path("batch/\(other.id)"))
        _ = try run(["ingest", "--dft", path("batch"), campaign, "--out", out])
        let stored = try XCTUnwrap(try store.outcomes(candidate: rockSalt.id).last)
        XCTAssertEqual(stored.code, "vasp")
        XCTAssertEqual(stored.hullScale, .mp2020)
        XCTAssertEqual(try XCTUnwrap(stored.energyPerAtom), -27.11090125 / 8, accuracy: 1e-9, "pymatgen's final_energy per atom")
        XCTAssertEqual(stored.functional, "GGA")
        XCTAssertEqual(stored.forces?.count, 8)
        XCTAssertEqual(stored.converged, true)
        XCTAssertNotNil(stored.structure)
        let table = try CSVTable(text: try String(contentsOfFile: out + "/candidates.csv", encoding: .utf8))
        let row = try XCTUnwrap(table.rows.first { $0[table.column("id")!] == rockSalt.id })
        XCTAssertEqual(try XCTUnwrap(Double(row[try XCTUnwrap(table.column("dft_energy_per_atom"))])), -27.11090125 / 8, accuracy: 1e-5)
        let eHull = try XCTUnwrap(Double(row[try XCTUnwrap(table.column("e_above_hull"))]))
        XCTAssertLessThan(eHull, 0.05, "the DFT energy of rock salt with MP2020 puts it on MP's hull")
        let report = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        XCTAssertTrue(report.contains("DFT status: VASP GGA, converged, max force"), "the report gives the DFT status")

        // PBEsol: stored, no hull, the reason given; the MP-scale energy above stays the one used.
        let pbesol = String(decoding: xml, as: UTF8.self).replacingOccurrences(of: #"<i type="string" name="GGA">--</i>"#, with: #"<i type="string" name="GGA">PS</i>"#)
        XCTAssertTrue(pbesol.contains(#"name="GGA">PS<"#))
        try runFolder("pbesol", rockSalt.id, Data(pbesol.utf8))
        _ = try run(["ingest", "--dft", path("pbesol/\(rockSalt.id)"), campaign, "--out", out])
        let second = try XCTUnwrap(try store.outcomes(candidate: rockSalt.id).last)
        XCTAssertEqual(second.hullScale, LabOutcome.HullScale.none)
        XCTAssertTrue(second.hullNote?.contains("run type PBEsol") == true, second.hullNote ?? "")
        let rescored = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        XCTAssertTrue(rescored.contains("DFT status: VASP PBEsol, converged") && rescored.contains("; no hull ("), "the latest result and why it has no hull")
        XCTAssertEqual(LabEvidence.byCandidate(try store.outcomes())[rockSalt.id]?.dftEnergyPerAtom ?? 0, -27.11090125 / 8, accuracy: 1e-9)

        // A run folder whose name is no candidate's.
        try runFolder("stray", "not-a-candidate", xml)
        assertRunError(["ingest", "--dft", path("stray"), campaign, "--out", out], "no candidate of this campaign is called 'not-a-candidate'")
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/vasp").path

    /// QE results on a QE-only hull, without running pw.x: the committed pw.x 6.7 outputs
    /// (Tests/Fixtures/qe, the same pseudopotential and cut-offs) — silicon at 5.431 Å (scf) as a
    /// candidate's result, the vc-relaxed silicon as the reference: E_hull(QE) is the energy the
    /// relaxation saves (positive, a few meV/atom); the scf's own energy difference to the reference
    /// per atom is the answer. Missing and differently computed references are reported.
    func testQEResultsGetAHullOnlyFromQEReferences() throws {
        let qe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/qe")
        func runFolder(_ folder: String, _ fixture: String, edit: (String) -> String = { $0 }) throws -> String {
            let dir = URL(fileURLWithPath: path(folder))
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let text = String(decoding: try Gzip.readFile(qe.appendingPathComponent(fixture)), as: UTF8.self)
            try edit(text).write(to: dir.appendingPathComponent("pw.out"), atomically: true, encoding: .utf8)
            return dir.path
        }
        let result = try DFTOutcomes.read(try runFolder("runs/si-0001", "si-scf.out.gz"))
        let reference = try DFTOutcomes.read(try runFolder("refs/Si", "si-vc-relax.out.gz"))
        let structure = try XCTUnwrap(result.first?.structure)
        var record = CandidateRecord(id: "si-0001", ordinal: 0, generator: "test", parent: nil, seed: 0, substitution: nil, formula: "Si",
                                     nSites: 2, nElements: 1, initialStructure: StructureCoding.encode(structure))
        record.status = .relaxed

        let bare = try XCTUnwrap(try DFTOutcomes.outcomes(result, candidates: [record], references: [], author: "t").first)
        XCTAssertEqual(bare.outcome.hullNote, "no QE hull (references missing: Si)")
        XCTAssertFalse(bare.outcome.placesOnMPHull)
        XCTAssertNoThrow(try bare.outcome.validate())

        let placed = try XCTUnwrap(try DFTOutcomes.outcomes(result, candidates: [record], references: reference, author: "t").first).outcome
        XCTAssertEqual(placed.hullScale, .qe)
        let expected = result[0].energyPerAtom - reference[0].energyPerAtom
        XCTAssertGreaterThan(expected, 0.0005, "silicon at 5.431 Å lies above the relaxed silicon")
        XCTAssertEqual(try XCTUnwrap(placed.energyAboveHull), expected, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(placed.formationEnergyPerAtom), expected, accuracy: 1e-9, "the relaxed silicon is the element's zero")

        let other = try DFTOutcomes.read(try runFolder("refs-other/Si", "si-vc-relax.out.gz") {
            $0.replacingOccurrences(of: "Si.pbe-nl-rrkjus_psl.1.0.0.UPF", with: "Si.pbe-rrkj.UPF")
        })
        XCTAssertThrowsError(try DFTOutcomes.outcomes(result, candidates: [record], references: other, author: "t")) {
            XCTAssertTrue("\($0)".contains("Si pseudopotential Si.pbe-rrkj.UPF"), "\($0)")
        }
        var wrong = record
        wrong.initialStructure = StructureCoding.encode(try rockSalt(primitive: true))
        XCTAssertThrowsError(try DFTOutcomes.outcomes(result, candidates: [wrong], references: [], author: "t")) {
            XCTAssertTrue("\($0)".contains("the run's structure is Si, candidate si-0001 is NaCl"), "\($0)")
        }
    }
}
