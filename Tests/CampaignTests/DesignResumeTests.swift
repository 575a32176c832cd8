import Campaign
import Foundation
import KilnTestSupport
import XCTest

/// Kills `kiln design` with SIGKILL in the middle of its relaxations, re-runs the same command and
/// checks that nothing was lost or done twice.
final class DesignResumeTests: XCTestCase {
    func run(_ args: [String]) throws -> Process { try TestCampaigns.launch(args) }

    func testKillNineThenResumeLosesNothingAndRepeatsNothing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-resume-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let toml = dir.appendingPathComponent("c.toml")
        try TestCampaigns.naCl.write(to: toml, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let args = ["design", toml.path, "--out", out.path, "--workers", "1"]
        let storePath = out.appendingPathComponent("campaign.sqlite").path

        // First run: kill -9 as soon as one candidate is relaxed.
        let first = try run(args)
        var relaxedBeforeKill: [CandidateRecord] = []
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline && first.isRunning {
            if FileManager.default.fileExists(atPath: storePath),
               let done = try? KnowledgeStore(path: storePath, readOnly: true).candidates(status: .relaxed), !done.isEmpty {
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(first.isRunning, "the campaign finished before it could be killed; make it larger")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)
        let before = try KnowledgeStore(path: storePath).all()
        relaxedBeforeKill = before.filter { $0.status == .relaxed }
        XCTAssertFalse(relaxedBeforeKill.isEmpty)
        XCTAssertTrue(before.contains { $0.status == .generated }, "some work must be left for the resumed run")
        let secondsBeforeKill = try XCTUnwrap(Double(try KnowledgeStore(path: storePath).meta("seconds") ?? ""),
                                              "the killed run's wall time must be saved")
        XCTAssertGreaterThan(secondsBeforeKill, 0)

        // Second run: the same command resumes and finishes.
        let second = try run(args)
        second.waitUntilExit()
        XCTAssertEqual(second.terminationStatus, 0)
        let after = try KnowledgeStore(path: storePath).all()
        XCTAssertEqual(after.map(\.id), before.map(\.id), "generation must not be repeated or lose candidates")
        XCTAssertEqual(Set(after.map(\.id)).count, after.count)
        XCTAssertFalse(after.contains { $0.status == .generated }, "every candidate is finished")
        let totalSeconds = try XCTUnwrap(Double(try KnowledgeStore(path: storePath).meta("seconds") ?? ""))
        XCTAssertGreaterThan(totalSeconds, secondsBeforeKill, "wall time adds up over the killed and the resumed run")
        for old in relaxedBeforeKill {
            let new = try XCTUnwrap(after.first { $0.id == old.id })
            XCTAssertEqual(new.finalEnergyPerAtom, old.finalEnergyPerAtom, "\(old.id) was relaxed again")
            XCTAssertEqual(new.relaxSeconds, old.relaxSeconds, "\(old.id) was relaxed again")
            XCTAssertEqual(new.relaxedStructure, old.relaxedStructure)
        }
        // Outputs: one CSV row per relaxed or failed candidate, a report, one CIF per ranked candidate.
        let csv = try String(contentsOf: out.appendingPathComponent("candidates.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.count, after.filter { $0.status == .relaxed || $0.status == .failed }.count)
        XCTAssertEqual(Set(rows.map { $0.split(separator: ",")[1] }).count, rows.count, "a candidate appears twice")
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        for section in ["id=\"summary\"", "id=\"funnel\"", "id=\"hull\"", "id=\"candidates\"", "id=\"provenance\""] {
            XCTAssertTrue(html.contains(section), section)
        }
        let cifs = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("cif").path)
        XCTAssertEqual(cifs.count, after.filter { $0.rank != nil }.count)
    }
}
