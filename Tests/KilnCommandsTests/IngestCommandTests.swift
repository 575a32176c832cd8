import Foundation
import KilnSupport
import XCTest
@testable import KilnCommands

/// `kiln serve` and `kiln ingest` on the command line: options checked, and outcomes from a file
/// recorded all or none before the campaign is scored again.
final class IngestCommandTests: CommandTestCase {
    func testServeAndIngestParse() throws {
        let serve = try parse(ServeCommand.self, ["serve", "--data", "d", "--port", "0", "--protect-reads", "--max-body", "4096"])
        XCTAssertEqual(serve.data, "d")
        XCTAssertEqual(serve.port, 0)
        XCTAssertTrue(serve.protectReads)
        XCTAssertEqual(serve.maxBody, 4096)
        assertUsageError(["serve", "--port", "70000"], "--port: expected 0…65535")
        assertUsageError(["serve", "--max-body", "10"], "--max-body")
        let ingest = try parse(IngestCommand.self, ["ingest", "o.csv", "c.toml", "--out", "x"])
        XCTAssertEqual(ingest.outcomes, "o.csv")
        XCTAssertEqual(ingest.options.out, "x")
        XCTAssertEqual(ingest.options.campaign, "c.toml")
        assertUsageError(["ingest", "o.csv"], "Missing expected argument")
    }

    func testIngestRecordsAllOrNoneThenRescores() throws {
        let campaign = try write(text: """
            name = "ingest"
            [target]
            chemical_systems = ["Na-Cl"]
            max_atoms = 4
            [relax]
            steps = 150
            [[generators]]
            kind = "substitution"
            budget = 4
            seed = 1
            """, "ingest.toml")
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
}
