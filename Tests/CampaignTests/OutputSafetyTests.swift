import Campaign
import Crystal
import CrystalIO
import Foundation
import KilnSupport
import Potentials
import XCTest

/// A campaign's outputs replace only what the campaign wrote (issue 12, hostile input 1: `--out DIR`
/// used to delete `DIR/cif/` recursively, with files Kiln never wrote).
final class OutputSafetyTests: XCTestCase {
    func testForeignFilesInTheOutputFolderSurvive() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-outputs-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cif = dir.appendingPathComponent("cif")
        try FileManager.default.createDirectory(at: cif, withIntermediateDirectories: true)
        let foreign = ["notes.txt", "001-NaCl-mine.cif", "my.cif"]
        for name in foreign { try "keep me".write(to: cif.appendingPathComponent(name), atomically: true, encoding: .utf8) }

        let spec = try CampaignSpec(name: "outputs", chemicalSystems: [[try Element("Na"), try Element("Cl")]],
                                    generators: [.init(kind: .substitution, budget: 4, seed: 1)], maxAtoms: 2, relaxSteps: 100)
        var runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(try CHGNet()))
        runner.workers = 1
        let first = try runner.run()
        let written = try FileManager.default.contentsOfDirectory(atPath: cif.path).filter { !foreign.contains($0) }
        XCTAssertEqual(written.count, first.top.count, "one CIF per ranked candidate: \(written)")
        // A stale CIF of this campaign (an old rank) is replaced; foreign files stay.
        let ranked = try XCTUnwrap(first.top.first)
        let stale = "999-\(ranked.formula)-\(ranked.id).cif"
        try "old".write(to: cif.appendingPathComponent(stale), atomically: true, encoding: .utf8)
        _ = try runner.run()
        let after = Set(try FileManager.default.contentsOfDirectory(atPath: cif.path))
        XCTAssertTrue(Set(foreign).isSubset(of: after))
        XCTAssertFalse(after.contains(stale))
        for name in foreign {
            XCTAssertEqual(try String(contentsOf: cif.appendingPathComponent(name), encoding: .utf8), "keep me")
        }
    }

    /// Two runs on one folder: the second stops at once (issue 12, hostile input 7).
    func testSecondRunOnTheSameFolderIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-busy-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let held = try DirectoryLock(folder: dir)
        defer { held.release() }
        let spec = try CampaignSpec(name: "busy", chemicalSystems: [[try Element("Na"), try Element("Cl")]],
                                    generators: [.init(kind: .substitution, budget: 2, seed: 1)], maxAtoms: 2)
        XCTAssertThrowsError(try CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(try CHGNet())).run()) { error in
            XCTAssertTrue("\(error)".contains("in use by another running kiln process"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("campaign.sqlite").path))
    }

    /// Elements the hull cannot place are refused before any work (issue 12, hostile input 8: a Po
    /// campaign generated and relaxed everything, then failed without a report).
    func testUnsupportedElementsFailFirst() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-po-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let spec = try CampaignSpec(name: "po", chemicalSystems: [[try Element("Po"), try Element("O")]],
                                    generators: [.init(kind: .substitution, budget: 2, seed: 1)], maxAtoms: 4)
        let runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(try CHGNet()))
        XCTAssertThrowsError(try runner.run()) { error in
            XCTAssertTrue("\(error)".contains("no Materials Project reference energy for Po"), "\(error)")
        }
        XCTAssertEqual(try KnowledgeStore(path: runner.storePath).all().count, 0)
    }
}

/// Text from candidates, the campaign file and provenance reaches the report escaped.
final class ReportEscapingTests: XCTestCase {
    func testHostileTextIsEscaped() throws {
        let spec = try CampaignSpec(name: "esc", chemicalSystems: [[try Element("Na"), try Element("Cl")]],
                                    generators: [.init(kind: .substitution, budget: 1, seed: 1)])
        var r = CandidateRecord(id: "g-0\"><script>alert(1)</script>", ordinal: 0, generator: "<img src=x onerror=alert(2)>",
                                parent: "mp-1'\"<u>", seed: 0, substitution: "Na→<i>Li</i>", formula: "Na<Cl>",
                                nSites: 8, nElements: 2, initialStructure: StructureCoding.encode(try ReportTests.rockSalt()))
        r.status = .relaxed
        r.relaxedStructure = r.initialStructure
        r.rank = 1
        r.error = "</td></tr><script>alert(3)</script>"
        r.magneticMoments = Array(repeating: 0.1, count: 8)
        let file = CampaignFile(path: "x/<y>.toml", text: "name = \"esc\"\n# </pre><script>alert(4)</script>\n")
        let html = CampaignReport(spec: spec, records: [r], funnel: [("generated <all>", 1)], hulls: [],
                                  provenance: ["reference <MP> & co"], wallSeconds: 1, potential: "CHGNet <0.3.0>",
                                  campaignFile: file, symprec: 0.1).html()
        XCTAssertEqual(html.components(separatedBy: "<script").count - 1, 2, "only the cell JSON and the report's own script")
        for bad in ["<img", "<u>", "<i>", "<y>", "<MP>", "<all>", "<Cl>", "alert(3)</script>", "alert(4)</script>", "<0.3.0>"] {
            XCTAssertFalse(html.contains(bad), bad)
        }
        for good in ["&lt;img src=x onerror=alert(2)&gt;", "Na&lt;Cl&gt;", "# &lt;/pre&gt;&lt;script&gt;alert(4)&lt;/script&gt;",
                     "reference &lt;MP&gt; &amp; co", "x/&lt;y&gt;.toml"] {
            XCTAssertTrue(html.contains(good), good)
        }
        // The CIF link is percent-encoded and escaped.
        XCTAssertTrue(html.contains("href=\"cif/001-Na%3CCl%3E-g-0%22%3E%3Cscript%3Ealert(1)%3C"), "CIF link")
        XCTAssertTrue(html.contains("Na 0.10, Cl 0.10"), "magnetic moments rendered")
    }
}
