import Campaign
import Crystal
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
        var runner = CampaignRunner(spec: spec, outputDirectory: dir, calculator: try CHGNet())
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
        XCTAssertThrowsError(try CampaignRunner(spec: spec, outputDirectory: dir, calculator: try CHGNet()).run()) { error in
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
        let runner = CampaignRunner(spec: spec, outputDirectory: dir, calculator: try CHGNet())
        XCTAssertThrowsError(try runner.run()) { error in
            XCTAssertTrue("\(error)".contains("no Materials Project reference energy for Po"), "\(error)")
        }
        XCTAssertEqual(try KnowledgeStore(path: runner.storePath).all().count, 0)
    }
}
