import Campaign
import Foundation
import KilnTestSupport
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `kiln serve` killed with SIGKILL in the middle of a campaign's relaxations: restarted on the same
/// data folder, it shows the campaign again, resumes it from its knowledge store and finishes it,
/// with nothing lost and nothing relaxed twice.
final class ServerResumeTests: XCTestCase {
    func serve(_ data: URL, port: Int) throws -> Process {
        try TestCampaigns.launch(["serve", "--data", data.path, "--port", String(port), "--workers", "1"],
                                 environment: ["KILN_TOKEN": ServerTests.token])
    }

    func waitForHealth(_ server: LiveServer) async throws {
        for _ in 0..<200 {
            if let a = try? await server.request("GET", "/api/health"), a.status == 200 { return }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        XCTFail("the server did not start")
    }

    func testKilledServerResumesTheCampaign() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-serve-resume-\(UUID())")
        defer { try? FileManager.default.removeItem(at: data) }
        let port = 21000 + Int(ProcessInfo.processInfo.processIdentifier % 4000)
        let live = LiveServer(base: "http://127.0.0.1:\(port)", folder: data)
        let store = data.appendingPathComponent("campaigns/c00001/out/campaign.sqlite").path

        let first = try serve(data, port: port)
        try await waitForHealth(live)
        let created = try await live.request("POST", "/api/campaigns", body: TestCampaigns.naCl, token: ServerTests.token)
        XCTAssertEqual(created.status, 201, created.text)
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: store),
               let done = try? KnowledgeStore(path: store, readOnly: true).candidates(status: .relaxed), !done.isEmpty { break }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let before = try KnowledgeStore(path: store).all()
        let relaxedBefore = before.filter { $0.status == .relaxed }
        XCTAssertFalse(relaxedBefore.isEmpty)
        XCTAssertTrue(before.contains { $0.status == .generated }, "the server was killed after the campaign ended; make it larger")

        let second = try serve(data, port: port)
        defer { second.terminate(); second.waitUntilExit() }
        try await waitForHealth(live)
        let events = ServerTests.parseEvents(try await live.request("GET", "/api/campaigns/c00001/events").text)
        XCTAssertEqual(events.last?["state"] as? String, "finished")
        XCTAssertEqual(events.map { $0["seq"] as? Int }, (1...events.count).map { $0 }, "the event history survives the kill")
        let info: [String: Any] = try await live.json("/api/campaigns/c00001")
        XCTAssertEqual(info["state"] as? String, "finished")
        let after = try KnowledgeStore(path: store).all()
        XCTAssertEqual(after.map(\.id), before.map(\.id), "no candidate lost or generated twice")
        XCTAssertFalse(after.contains { $0.status == .generated })
        for old in relaxedBefore {
            let new = try XCTUnwrap(after.first { $0.id == old.id })
            XCTAssertEqual(new.relaxSeconds, old.relaxSeconds, "\(old.id) was relaxed again")
            XCTAssertEqual(new.relaxedStructure, old.relaxedStructure)
        }
    }
}
