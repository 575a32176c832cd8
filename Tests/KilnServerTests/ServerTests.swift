import Campaign
import Crystal
import CrystalIO
import Foundation
import KilnTestSupport
import KilnServer
import Properties
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `kiln serve` over real HTTP on loopback: a campaign submitted with the token, followed to the
/// end by server-sent events and read back; requests without the token, too large, malformed or
/// reaching for paths refused with the right status and a JSON error.
final class ServerTests: XCTestCase {
    static let token = "test-token-0123456789abcdef"
    static let tiny = TestCampaigns.naCl.replacingOccurrences(of: "na-cl-test", with: "server-tiny")

    /// A server on a free port of 127.0.0.1 with its own data folder; stopped after `body`.
    func withServer(protectReads: Bool = false, data: URL? = nil, _ body: (LiveServer) async throws -> Void) async throws {
        let folder = data ?? FileManager.default.temporaryDirectory.appendingPathComponent("kiln-server-\(UUID().uuidString)")
        var settings = ServerSettings(dataDirectory: folder)
        (settings.port, settings.protectReads, settings.maxBodyBytes) = (0, protectReads, 4096)
        let server = try KilnServer(settings: settings, environment: [AccessTokens.environmentVariable: Self.token])
        let port = PortBox()
        let task = Task { try await server.run { port.set($0) } }
        defer { task.cancel() }
        let bound = try await port.wait()
        try await body(LiveServer(base: "http://127.0.0.1:\(bound)", folder: folder))
    }

    func testCampaignSubmittedFollowedAndRead() async throws {
        try await withServer { s in
            let refused = try await s.request("POST", "/api/campaigns", body: Self.tiny)
            XCTAssertEqual(refused.status, 401)
            XCTAssertTrue(refused.text.contains("bearer token"), refused.text)
            let wrong = try await s.request("POST", "/api/campaigns", body: Self.tiny, token: "not-the-token-at-all")
            XCTAssertEqual(wrong.status, 401)
            let none: [Any] = try await s.json("/api/campaigns")
            XCTAssertEqual(none.count, 0)

            let created = try await s.request("POST", "/api/campaigns", body: Self.tiny, token: Self.token)
            XCTAssertEqual(created.status, 201, created.text)
            let id = try XCTUnwrap((created.json as? [String: Any])?["id"] as? String)
            XCTAssertEqual(created.headers["Location"], "/api/campaigns/\(id)")

            // The stream ends only when the campaign does: the whole body is its history.
            let stream = try await s.request("GET", "/api/campaigns/\(id)/events")
            XCTAssertEqual(stream.headers["Content-Type"], "text/event-stream")
            let events = Self.parseEvents(stream.text)
            XCTAssertEqual(events.map { $0["seq"] as? Int }, (1...events.count).map { $0 }, "ids count 1, 2, … without gaps")
            let states = events.compactMap { $0["state"] as? String }
            XCTAssertEqual(states, ["queued", "running", "finished"], stream.text)
            let progress = events.filter { $0["kind"] as? String == "progress" }
            XCTAssertEqual(progress.last?["done"] as? Int, progress.last?["total"] as? Int)
            XCTAssertGreaterThan(progress.count, 0)

            // Resuming after an id sends only what followed it.
            let tail = Self.parseEvents(try await s.request("GET", "/api/campaigns/\(id)/events", headers: ["Last-Event-ID": "\(events.count - 1)"]).text)
            XCTAssertEqual(tail.count, 1)
            XCTAssertEqual(tail.first?["state"] as? String, "finished")

            let info: [String: Any] = try await s.json("/api/campaigns/\(id)")
            XCTAssertEqual(info["state"] as? String, "finished")
            let summary = try XCTUnwrap(info["summary"] as? [String: Any])
            XCTAssertEqual(summary["report"] as? String, "/api/campaigns/\(id)/report")
            XCTAssertFalse("\(summary)".contains(s.folder.path), "no server path leaks into the answer")

            let page: [String: Any] = try await s.json("/api/campaigns/\(id)/candidates?status=relaxed&sort=e_hull")
            let candidates = try XCTUnwrap(page["candidates"] as? [[String: Any]])
            XCTAssertEqual(page["total"] as? Int, candidates.count)
            XCTAssertGreaterThan(candidates.count, 0)
            let hulls = candidates.compactMap { $0["energyAboveHull"] as? Double }
            XCTAssertEqual(hulls, hulls.sorted(), "sorted by E_hull")
            XCTAssertTrue(candidates.allSatisfy { $0["status"] as? String == "relaxed" && $0["formula"] as? String == "NaCl" })

            let first = try XCTUnwrap(candidates.first?["id"] as? String)
            let cif = try await s.request("GET", "/api/campaigns/\(id)/candidates/\(first)/structure")
            XCTAssertEqual(cif.status, 200)
            let structure = try XCTUnwrap(try StructureFile.read(data: cif.body, format: .cif).first)
            XCTAssertEqual(structure.composition.reducedFormula, "NaCl")
            let poscar = try await s.request("GET", "/api/campaigns/\(id)/candidates/\(first)/structure?format=poscar&relaxed=false")
            XCTAssertEqual(try StructureFile.read(data: poscar.body, format: .poscar).first?.count, structure.count)
            let record: [String: Any] = try await s.json("/api/campaigns/\(id)/candidates/\(first)")
            XCTAssertEqual(record["id"] as? String, first)

            let hull: [[String: Any]] = try await s.json("/api/campaigns/\(id)/hull")
            XCTAssertEqual(hull.count, candidates.count)
            let pareto: [[String: Any]] = try await s.json("/api/campaigns/\(id)/pareto")
            XCTAssertEqual(pareto.map { $0["rank"] as? Int }, (1...pareto.count).map { $0 })
            let report = try await s.request("GET", "/api/campaigns/\(id)/report")
            XCTAssertEqual(report.status, 200)
            XCTAssertTrue(report.text.contains("server-tiny"))
            let csv = try await s.request("GET", "/api/campaigns/\(id)/candidates.csv")
            XCTAssertEqual(csv.status, 200)
            XCTAssertTrue(csv.text.contains(first))
            let spec = try await s.request("GET", "/api/openapi.yaml")
            XCTAssertTrue(spec.text.hasPrefix("openapi: 3"))

            // What the dashboard draws: the viewer's scene, the plots (by listed name only), its pages.
            let scene: [String: Any] = try await s.json("/api/campaigns/\(id)/candidates/\(first)/scene")
            XCTAssertEqual((scene["atoms"] as? [Any])?.count ?? 0 >= structure.count, true)
            let plots: [String] = try await s.json("/api/campaigns/\(id)/plots")
            XCTAssertEqual(plots, ["hull-Cl-Na.svg"])
            let svg = try await s.request("GET", "/api/campaigns/\(id)/plots/hull-Cl-Na.svg")
            XCTAssertEqual(svg.headers["Content-Type"], "image/svg+xml")
            XCTAssertTrue(svg.text.hasPrefix("<svg"))
            let sneaky = try await s.request("GET", "/api/campaigns/\(id)/plots/..%2Fcampaign.sqlite")
            XCTAssertEqual(sneaky.status, 404)
            let html = try await s.request("GET", "/ui/campaign?id=\(id)")
            XCTAssertEqual(html.status, 200)
            XCTAssertTrue(html.text.contains("<canvas id=\"viewer\""))
            XCTAssertTrue(html.headers["Content-Security-Policy"]?.contains("script-src 'self'") ?? false, "\(html.headers)")
            XCTAssertEqual(html.headers["X-Content-Type-Options"], "nosniff")
            let viewer = try await s.request("GET", "/ui/viewer.js")
            XCTAssertTrue(viewer.text.contains("function KilnViewer("))
        }
    }

    func testBadRequestsAreRefusedClearly() async throws {
        try await withServer { s in
            func check(_ method: String, _ path: String, body: String? = nil, type: String? = nil, status: Int, says: String,
                       line: UInt = #line) async throws {
                let r = try await s.request(method, path, body: body, token: Self.token, headers: type.map { ["Content-Type": $0] } ?? [:])
                XCTAssertEqual(r.status, status, r.text, line: line)
                let error = (r.json as? [String: Any])?["error"] as? String ?? ""
                XCTAssertTrue(error.contains(says), "\(error) should say \(says)", line: line)
            }
            try await check("POST", "/api/campaigns", body: "name = \"x\" [", status: 400, says: "TOML syntax error")
            try await check("POST", "/api/campaigns", body: "[target]\nchemical_systems = [\"Na-Xx\"]", status: 400, says: "unknown element 'Xx'")
            try await check("POST", "/api/campaigns", body: "[target]\nchemcial_systems = [\"Na-Cl\"]", status: 400, says: "chemcial_systems")
            try await check("POST", "/api/campaigns", body: #"{"target": {"max_atoms": null}}"#, type: "application/json", status: 400, says: "target.max_atoms")
            try await check("POST", "/api/campaigns", body: "[1, 2]", type: "application/json", status: 400, says: "object of campaign keys")
            try await check("POST", "/api/campaigns", body: String(repeating: "#", count: 5000), status: 413, says: "4096 bytes")
            let diffusionFromFile = Self.tiny + "\n[[generators]]\nkind = \"diffusion\"\nmodel = \"/etc/passwd\"\nbudget = 1\nseed = 1\n"
            try await check("POST", "/api/campaigns", body: diffusionFromFile, status: 400, says: "only the shipped models")
            try await check("GET", "/api/campaigns/c00001", status: 404, says: "no campaign")
            try await check("GET", "/api/campaigns/..%2F..%2Fetc/candidates", status: 404, says: "no campaign")
            try await check("GET", "/api/campaigns/../../etc/passwd", status: 404, says: "no such endpoint")
            try await check("DELETE", "/api/campaigns", status: 404, says: "no such endpoint: DELETE /api/campaigns")

            // A JSON campaign is the same campaign: queued, and stored as TOML.
            let json = #"{"name": "json-tiny", "target": {"chemical_systems": ["Na-Cl"], "max_atoms": 4}, "relax": {"steps": 200}, "generators": [{"kind": "substitution", "budget": 2, "seed": 1}]}"#
            let created = try await s.request("POST", "/api/campaigns", body: json, token: Self.token, headers: ["Content-Type": "application/json"])
            XCTAssertEqual(created.status, 201, created.text)
            let id = try XCTUnwrap((created.json as? [String: Any])?["id"] as? String)
            try await check("GET", "/api/campaigns/\(id)/candidates?limit=0", status: 400, says: "limit")
            try await check("GET", "/api/campaigns/\(id)/candidates?sort=energy", status: 400, says: "sort")
            try await check("GET", "/api/campaigns/\(id)/candidates?path=/etc", status: 400, says: "unknown parameter 'path'")
            _ = try await s.request("GET", "/api/campaigns/\(id)/events")
            try await check("GET", "/api/campaigns/\(id)/candidates/nope/structure", status: 404, says: "no candidate 'nope'")
            let listed: [String: Any] = try await s.json("/api/campaigns/\(id)/candidates")
            let some = try XCTUnwrap((listed["candidates"] as? [[String: Any]])?.first?["id"] as? String)
            try await check("GET", "/api/campaigns/\(id)/candidates/\(some)/structure?format=exe", status: 400, says: "format")
            let stored = try String(contentsOf: s.folder.appendingPathComponent("campaigns/\(id)/campaign.toml"), encoding: .utf8)
            XCTAssertTrue(stored.contains("json-tiny"), stored)
        }
    }

    /// The lab-in-the-loop round trip: an outcome recorded over HTTP (with the token) is kept with
    /// who/how/when, the campaign is scored again, and the candidate the lab failed to make drops
    /// to the last rank.
    func testLabOutcomeRescoresTheCampaign() async throws {
        try await withServer { s in
            let created = try await s.request("POST", "/api/campaigns", body: Self.tiny, token: Self.token)
            let id = try XCTUnwrap((created.json as? [String: Any])?["id"] as? String)
            _ = try await s.request("GET", "/api/campaigns/\(id)/events")
            let pareto: [[String: Any]] = try await s.json("/api/campaigns/\(id)/pareto")
            XCTAssertGreaterThanOrEqual(pareto.count, 2)
            let best = try XCTUnwrap(pareto.first?["id"] as? String)
            let path = "/api/campaigns/\(id)/candidates/\(best)/outcomes"
            let body = #"{"kind": "synthesis", "succeeded": false, "author": "A. Chemist", "method": "solid state, 800 °C 12 h, XRD", "performed_on": "2026-12-01"}"#
            let refused = try await s.request("POST", path, body: body)
            XCTAssertEqual(refused.status, 401)
            let bad = try await s.request("POST", path, body: #"{"kind": "synthesis", "author": "x", "method": "y"}"#, token: Self.token)
            XCTAssertEqual(bad.status, 400)
            XCTAssertTrue(bad.text.contains("succeeded"), bad.text)
            let stray = try await s.request("POST", "/api/campaigns/\(id)/candidates/nope/outcomes", body: body, token: Self.token)
            XCTAssertEqual(stray.status, 404)
            let last = Self.parseEvents(try await s.request("GET", "/api/campaigns/\(id)/events").text).count
            let recorded = try await s.request("POST", path, body: body, token: Self.token)
            XCTAssertEqual(recorded.status, 201, recorded.text)
            let outcome = try XCTUnwrap(recorded.json as? [String: Any])
            XCTAssertEqual(outcome["author"] as? String, "A. Chemist")
            XCTAssertEqual(outcome["performedOn"] as? String, "2026-12-01")
            XCTAssertNotNil(outcome["recordedAt"])

            // Scored again: the stream after the last seen event runs to "finished".
            let rescoring = Self.parseEvents(try await s.request("GET", "/api/campaigns/\(id)/events?after=\(last)").text)
            XCTAssertEqual(rescoring.compactMap { $0["state"] as? String }.suffix(2), ["running", "finished"])
            let after: [[String: Any]] = try await s.json("/api/campaigns/\(id)/pareto")
            XCTAssertEqual(after.last?["id"] as? String, best, "the failed synthesis is ranked last")
            let candidate: [String: Any] = try await s.json("/api/campaigns/\(id)/candidates?ranked=true&sort=rank")
            let listed = try XCTUnwrap((candidate["candidates"] as? [[String: Any]])?.first { $0["id"] as? String == best })
            XCTAssertEqual(listed["synthesis"] as? String, "failed")
            let outcomes: [[String: Any]] = try await s.json(path)
            XCTAssertEqual(outcomes.count, 1)
        }
    }

    func testProtectedReadsAndRestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-server-\(UUID().uuidString)")
        var id = ""
        try await withServer(protectReads: true, data: folder) { s in
            let health = try await s.request("GET", "/api/health")
            XCTAssertEqual(health.status, 200)
            let closed = try await s.request("GET", "/api/campaigns")
            XCTAssertEqual(closed.status, 401)
            let created = try await s.request("POST", "/api/campaigns", body: Self.tiny, token: Self.token)
            id = try XCTUnwrap((created.json as? [String: Any])?["id"] as? String)
            let closedEvents = try await s.request("GET", "/api/campaigns/\(id)/events")
            XCTAssertEqual(closedEvents.status, 401)
            _ = try await s.request("GET", "/api/campaigns/\(id)/events", token: Self.token)
        }
        // A new server on the same folder knows the finished campaign and its events.
        try await withServer(data: folder) { s in
            let list: [[String: Any]] = try await s.json("/api/campaigns")
            XCTAssertEqual(list.map { $0["id"] as? String }, [id])
            XCTAssertEqual(list.first?["state"] as? String, "finished")
            let events = Self.parseEvents(try await s.request("GET", "/api/campaigns/\(id)/events").text)
            XCTAssertEqual(events.last?["state"] as? String, "finished")
        }
    }

    func testTokenFileKeepsOnlyTheHash() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-token-\(UUID().uuidString)")
        let token = try AccessTokens.create(in: folder)
        XCTAssertEqual(token.count, 64)
        let stored = try String(contentsOf: folder.appendingPathComponent("token.sha256"), encoding: .utf8)
        XCTAssertFalse(stored.contains(token))
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("token.sha256").path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let tokens = try AccessTokens(dataDirectory: folder, environment: [:])
        XCTAssertTrue(tokens.accepts(authorization: "Bearer \(token)"))
        XCTAssertFalse(tokens.accepts(authorization: "Bearer \(token.dropLast())"))
        XCTAssertFalse(tokens.accepts(authorization: token))
        let replaced = try AccessTokens.create(in: folder)
        XCTAssertFalse(try AccessTokens(dataDirectory: folder, environment: [:]).accepts(authorization: "Bearer \(token)"))
        XCTAssertTrue(try AccessTokens(dataDirectory: folder, environment: [:]).accepts(authorization: "Bearer \(replaced)"))
        XCTAssertThrowsError(try AccessTokens(dataDirectory: folder, environment: [AccessTokens.environmentVariable: "short"]))
        try Data("not a hash".utf8).write(to: folder.appendingPathComponent("token.sha256"))
        XCTAssertThrowsError(try AccessTokens(dataDirectory: folder, environment: [:])) { XCTAssertTrue("\($0)".contains("--init-token")) }
    }

    /// The `data:` objects of an SSE body.
    static func parseEvents(_ text: String) -> [[String: Any]] {
        text.components(separatedBy: "\n\n").compactMap { block in
            guard let line = block.split(separator: "\n").first(where: { $0.hasPrefix("data: ") }) else { return nil }
            return try? JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any]
        }
    }
}

/// A running test server and a small HTTP client for it.
struct LiveServer {
    let base: String
    let folder: URL

    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
    }

    /// A GET answered 200 with a JSON document of type `T`.
    func json<T>(_ path: String, token: String? = nil) async throws -> T {
        let a = try await request("GET", path, token: token)
        guard a.status == 200, let value = a.json as? T else {
            throw URLError(.badServerResponse, userInfo: [NSLocalizedDescriptionKey: "GET \(path): \(a.status) \(a.text)"])
        }
        return value
    }

    func request(_ method: String, _ path: String, body: String? = nil, token: String? = nil, headers: [String: String] = [:]) async throws -> Answer {
        var r = URLRequest(url: URL(string: base + path)!)
        r.httpMethod = method
        r.timeoutInterval = 300
        if let body { r.httpBody = Data(body.utf8) }
        if let token { r.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (k, v) in headers { r.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: r)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields { fields[String(describing: k)] = String(describing: v) }
        return Answer(status: http.statusCode, headers: fields, body: data)
    }
}

/// The port the server bound, handed from its start-up callback to the test.
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int?

    func set(_ p: Int) { lock.withLock { port = p } }

    func wait() async throws -> Int {
        for _ in 0..<600 {
            if let p = lock.withLock({ port }) { return p }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw URLError(.cannotConnectToHost)
    }
}

/// Candidate filters on their own: verdicts, E_hull and property ranges (measured before predicted).
final class CandidateQueryTests: XCTestCase {
    func testFiltersAndSorts() throws {
        func record(_ id: String, _ ordinal: Int, eHull: Double, gap: Double?, measured: Double? = nil, rank: Int?) -> CandidateRecord {
            var r = CandidateRecord(id: id, ordinal: ordinal, generator: "g", parent: nil, seed: 0, substitution: nil, formula: "NaCl",
                                    nSites: 2, nElements: 2, initialStructure: "{}")
            (r.status, r.energyAboveHull, r.rank) = (.relaxed, eHull, rank)
            r.properties = gap.map { ["band_gap": PropertyValue(mean: $0, sigma: 0.2, unit: "eV")] }
            r.measuredProperties = measured.map { ["band_gap": PropertyValue(mean: $0, sigma: 0, unit: "eV")] }
            return r
        }
        let records = [record("a", 0, eHull: 0.2, gap: 2.0, rank: 2), record("b", 1, eHull: 0.0, gap: 0.5, measured: 1.5, rank: 1),
                       record("c", 2, eHull: 0.05, gap: nil, rank: nil), record("d", 3, eHull: 0.01, gap: 4.0, rank: 3)]
        let gap = try CandidateQuery(["band_gap_min": "1", "band_gap_max": "3", "sort": "e_hull"]).apply(records)
        XCTAssertEqual(gap.page.map(\.id), ["b", "a"], "b's measured 1.5 eV counts, not its predicted 0.5; c has no gap; d is outside")
        XCTAssertEqual(try CandidateQuery(["max_e_hull": "0.05", "ranked": "true"]).apply(records).page.map(\.id), ["b", "d"])
        XCTAssertEqual(try CandidateQuery(["limit": "1", "offset": "1"]).apply(records).page.map(\.id), ["a"])
        XCTAssertEqual(try CandidateQuery([:]).apply(records).total, 4)
        for bad in [["band_gap_min": "x"], ["colour_min": "1"], ["band_gap_min": "3", "band_gap_max": "1"], ["limit": "5000"], ["unique": "maybe"]] {
            XCTAssertThrowsError(try CandidateQuery(bad), "\(bad)")
        }
    }
}
