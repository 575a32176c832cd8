import Campaign
import Foundation
import KilnTestSupport
import XCTest

/// A looped campaign (evolutionary search, which learns from every earlier round, with active
/// learning choosing the relaxations) killed with SIGKILL inside a round and again at a round
/// boundary, then re-run, ends with exactly the candidates, choices, structures and energies of an
/// uninterrupted run.
final class LoopResumeTests: XCTestCase {
    let campaign = """
        name = "loop-resume-test"
        [target]
        chemical_systems = ["Na-Cl"]
        max_atoms = 4
        [relax]
        steps = 150
        [loop]
        rounds = 4
        batch = 3
        acquisition = "ei"
        pool_factor = 2
        [[generators]]
        kind = "evolutionary"
        budget = 40
        seed = 7
        time_limit = 10
        """

    func run(_ args: [String]) throws -> Process { try TestCampaigns.launch(args) }

    /// Runs the campaign into `out` and kills it once `condition` holds for its store.
    func runAndKill(_ args: [String], store path: String, when condition: (KnowledgeStore) throws -> Bool) throws {
        let p = try run(args)
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline && p.isRunning {
            if FileManager.default.fileExists(atPath: path), let store = try? KnowledgeStore(path: path, readOnly: true),
               (try? condition(store)) == true {
                break
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertTrue(p.isRunning, "the campaign finished before it could be killed")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    func testKilledInsideAndBetweenRoundsEndsLikeAnUninterruptedRun() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-loop-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let toml = dir.appendingPathComponent("c.toml")
        try campaign.write(to: toml, atomically: true, encoding: .utf8)
        func args(_ out: URL) -> [String] { ["design", toml.path, "--out", out.path, "--workers", "1"] }

        let reference = dir.appendingPathComponent("reference")
        let whole = try run(args(reference))
        whole.waitUntilExit()
        XCTAssertEqual(whole.terminationStatus, 0)
        let expected = try KnowledgeStore(path: reference.appendingPathComponent("campaign.sqlite").path).all()
        XCTAssertEqual(Set(expected.map(\.round)), [0, 1, 2, 3], "four rounds")
        XCTAssertTrue(expected.contains { $0.status == .notSelected }, "the acquisition chose")
        XCTAssertTrue(expected.contains { $0.round > 0 && $0.parents != nil }, "children of earlier rounds")

        let out = dir.appendingPathComponent("killed")
        let path = out.appendingPathComponent("campaign.sqlite").path
        // Inside round 0: one candidate relaxed, the other not.
        try runAndKill(args(out), store: path) { try !$0.candidates(status: .relaxed).isEmpty }
        let first = try KnowledgeStore(path: path).all()
        XCTAssertTrue(first.contains { $0.status == .generated }, "killed inside a round")
        // At the boundary: as soon as round 0 is recorded done.
        try runAndKill(args(out), store: path) { try $0.meta("rounds_done") == "1" }
        XCTAssertEqual(try KnowledgeStore(path: path).meta("rounds_done"), "1")
        let finish = try run(args(out))
        finish.waitUntilExit()
        XCTAssertEqual(finish.terminationStatus, 0)

        let after = try KnowledgeStore(path: path).all()
        XCTAssertEqual(after.map(\.id), expected.map(\.id), "nothing lost, nothing proposed twice")
        XCTAssertEqual(after.map(\.round), expected.map(\.round))
        XCTAssertEqual(try after.map { try $0.structure() }, try expected.map { try $0.structure() })
        XCTAssertEqual(after.map(\.status), expected.map(\.status))
        XCTAssertEqual(after.map(\.parents), expected.map(\.parents))
        XCTAssertEqual(after.map(\.surrogate), expected.map(\.surrogate))
        XCTAssertEqual(after.map(\.finalEnergyPerAtom), expected.map(\.finalEnergyPerAtom))
        for old in first where old.status == .relaxed {
            XCTAssertEqual(after.first { $0.id == old.id }?.relaxSeconds, old.relaxSeconds, "\(old.id) was relaxed again")
        }
    }
}
