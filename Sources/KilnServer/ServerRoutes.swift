import Campaign
import Crystal
import CrystalIO
import Foundation
import Properties
import Hummingbird
import KilnSupport

/// The API's routes (documented in Resources/openapi.yaml).
struct ServerRoutes: Sendable {
    let queue: CampaignQueue
    let maxBodyBytes: Int

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/health") { _, _ in JSONBody.response(["status": "ok", "version": KilnVersion.number]) }
        router.get("/api/openapi.yaml") { _, _ in try Self.openAPI() }
        router.post("/api/campaigns") { request, _ in try await submit(request) }
        router.get("/api/campaigns") { _, _ in JSONBody.response(queue.list()) }
        router.get("/api/campaigns/:id") { _, context in JSONBody.response(try campaign(context)) }
        router.get("/api/campaigns/:id/events") { request, context in try events(request, context) }
        router.get("/api/campaigns/:id/candidates") { request, context in
            let query = try CandidateQuery(Self.parameters(request))
            let (total, page) = query.apply(try records(context))
            return JSONBody.response(CandidatePage(total: total, offset: query.offset, candidates: page))
        }
        router.get("/api/campaigns/:id/candidates/:candidate") { _, context in JSONBody.response(try candidate(context)) }
        router.get("/api/campaigns/:id/candidates/:candidate/structure") { request, context in try structure(request, context) }
        router.post("/api/campaigns/:id/candidates/:candidate/outcomes") { request, context in try await recordOutcome(request, context) }
        router.get("/api/campaigns/:id/candidates/:candidate/outcomes") { _, context in
            let r = try candidate(context)
            return JSONBody.response(try store(context)?.outcomes(candidate: r.id) ?? [])
        }
        router.get("/api/campaigns/:id/outcomes") { _, context in JSONBody.response(try store(context)?.outcomes() ?? []) }
        router.get("/api/campaigns/:id/candidates.csv") { _, context in try output(context, "candidates.csv", type: "text/csv; charset=utf-8") }
        router.get("/api/campaigns/:id/report") { _, context in try output(context, "report.html", type: "text/html; charset=utf-8") }
        router.get("/api/campaigns/:id/candidates/:candidate/scene") { _, context in
            let r = try candidate(context)
            let scene = CellScene(try r.structure(relaxed: r.relaxedStructure != nil))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: scene.json())))
        }
        router.get("/api/campaigns/:id/plots") { _, context in JSONBody.response(try plotNames(context)) }
        router.get("/api/campaigns/:id/plots/:name") { _, context in
            let name = try context.parameters.require("name")
            guard try plotNames(context).contains(name) else { throw APIError(.notFound, "no plot '\(name)'") }
            let url = queue.outputFolder(try campaign(context).id).appendingPathComponent("plots").appendingPathComponent(name)
            return Response(status: .ok, headers: [.contentType: "image/svg+xml"], body: .init(byteBuffer: ByteBuffer(bytes: try Data(contentsOf: url))))
        }
        router.get("/") { _, _ in Response(status: .found, headers: [.location: "/ui/"]) }
        router.get("/ui/") { _, _ in try Self.dashboard("index.html") }
        router.get("/ui/campaign") { _, _ in try Self.dashboard("campaign.html") }
        router.get("/ui/dashboard.js") { _, _ in try Self.dashboard("dashboard.js") }
        router.get("/ui/dashboard.css") { _, _ in try Self.dashboard("dashboard.css") }
        router.get("/ui/viewer.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: ReportAssets.viewer)))
        }
        router.get("/api/campaigns/:id/hull") { _, context in JSONBody.response(try records(context).compactMap(HullPoint.init)) }
        router.get("/api/campaigns/:id/pareto") { _, context in
            JSONBody.response(try records(context).filter { $0.rank != nil }.sorted { $0.rank! < $1.rank! }.map(ParetoPoint.init))
        }
    }

    /// The request body, refused (413) beyond the server's limit.
    private func body(_ request: Request) async throws -> Data {
        var data = Data()
        for try await chunk in request.body {
            guard data.count + chunk.readableBytes <= maxBodyBytes else {
                throw APIError(.contentTooLarge, "the request body is larger than this server's limit of \(maxBodyBytes) bytes")
            }
            data.append(contentsOf: chunk.readableBytesView)
        }
        return data
    }

    /// `POST …/candidates/CID/outcomes`: a lab outcome as a JSON object (fields of `LabOutcome`);
    /// the campaign is scored again with it.
    private func recordOutcome(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let info = try campaign(context)
        let id = try context.parameters.require("candidate")
        let outcome = try LabOutcome(json: try await body(request), candidate: id, source: "api")
        let stored = try queue.record([outcome], campaign: info.id)
        var r = JSONBody.response(stored[0], status: .created)
        r.headers[.location] = "/api/campaigns/\(info.id)/candidates/\(id)/outcomes"
        return r
    }

    /// `POST /api/campaigns`: TOML (any content type but JSON) or JSON, checked like a campaign file.
    private func submit(_ request: Request) async throws -> Response {
        let data = try await body(request)
        let json = request.headers[.contentType].map { $0.lowercased().hasPrefix("application/json") } ?? false
        let toml: String
        if json {
            toml = try CampaignSpec.toml(fromJSON: data)
        } else {
            guard let text = String(data: data, encoding: .utf8) else { throw APIError(.badRequest, "the campaign is not UTF-8 text") }
            toml = text
        }
        let info = try queue.submit(toml: toml)
        var r = JSONBody.response(info, status: .created)
        r.headers[.location] = "/api/campaigns/\(info.id)"
        return r
    }

    private func campaign(_ context: BasicRequestContext) throws -> CampaignInfo {
        let id = try context.parameters.require("id")
        guard CampaignQueue.isID(id), let info = queue.info(id) else { throw APIError(.notFound, "no campaign '\(id)'") }
        return info
    }

    /// Server-sent events: the history after `Last-Event-ID` (or `?after=`), then live events; the
    /// stream ends when the campaign finishes or fails.
    private func events(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let info = try campaign(context)
        let last = request.headers[.init("Last-Event-ID")!] ?? Self.parameters(request)["after"] ?? "0"
        guard let after = Int(last), after >= 0 else { throw APIError(.badRequest, "Last-Event-ID: '\(last)' is not an event id") }
        let stream = queue.subscribe(info.id, after: after)
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: .init { writer in
            for await e in stream { try await writer.write(ByteBuffer(string: e.serverSentEvent)) }
            try await writer.finish(nil)
        })
    }

    /// The campaign's knowledge store, read-only; nil before its run has stored anything.
    private func store(_ context: BasicRequestContext) throws -> KnowledgeStore? {
        let info = try campaign(context)
        let path = queue.outputFolder(info.id).appendingPathComponent("campaign.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try KnowledgeStore(path: path, readOnly: true)
    }

    /// Every candidate of the campaign (none before its run has stored any).
    private func records(_ context: BasicRequestContext) throws -> [CandidateRecord] {
        try store(context)?.all() ?? []
    }

    private func candidate(_ context: BasicRequestContext) throws -> CandidateRecord {
        let id = try context.parameters.require("candidate")
        guard let r = try records(context).first(where: { $0.id == id }) else { throw APIError(.notFound, "no candidate '\(id)'") }
        return r
    }

    /// `…/structure?format=cif|poscar|json|extxyz&relaxed=true|false` (default: CIF of the relaxed
    /// structure, the generated one when it was not relaxed).
    private func structure(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let r = try candidate(context)
        var format = StructureFormat.cif
        var relaxed = r.relaxedStructure != nil
        for (key, value) in Self.parameters(request) {
            switch key {
            case "format":
                guard let f = StructureFormat(rawValue: value) else {
                    throw APIError(.badRequest, "format: '\(value)' is not one of \(StructureFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                format = f
            case "relaxed":
                guard let b = Bool(value) else { throw APIError(.badRequest, "relaxed: expected true or false, got '\(value)'") }
                guard !b || r.relaxedStructure != nil else { throw APIError(.notFound, "candidate \(r.id) has no relaxed structure (\(r.status.rawValue))") }
                relaxed = b
            default: throw APIError(.badRequest, "unknown parameter '\(key)' (format, relaxed)")
            }
        }
        let s = try r.structure(relaxed: relaxed)
        let data = try StructureFile.data([s], format: format, file: r.id)
        let types: [StructureFormat: String] = [.cif: "chemical/x-cif", .poscar: "text/plain", .json: "application/json", .extxyz: "chemical/x-xyz"]
        let name = "\(r.id)\(relaxed ? "" : "-generated").\(format == .poscar ? "vasp" : format.rawValue)"
        return Response(status: .ok, headers: [.contentType: types[format]!, .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A file the finished campaign wrote (fixed names only: no request chooses a path).
    private func output(_ context: BasicRequestContext, _ name: String, type: String) throws -> Response {
        let info = try campaign(context)
        let url = queue.outputFolder(info.id).appendingPathComponent(name)
        guard info.state == .finished, let data = try? Data(contentsOf: url) else {
            throw APIError(.conflict, "campaign \(info.id) is \(info.state.rawValue); \(name) is written when it finishes")
        }
        return Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The query parameters (percent-decoded; a repeated one keeps its last value).
    static func parameters(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { out[String(k)] = String(v) }
        return out
    }

    /// The plots the campaign's last scoring wrote (plots/hull-SYSTEM.svg, plots/pareto.svg).
    private func plotNames(_ context: BasicRequestContext) throws -> [String] {
        let folder = queue.outputFolder(try campaign(context).id).appendingPathComponent("plots")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".svg") && !$0.hasPrefix(".") }.sorted()
    }

    /// A bundled dashboard file (fixed names only).
    static func dashboard(_ name: String) throws -> Response {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "dashboard"), let data = try? Data(contentsOf: url) else {
            throw APIError(.internalServerError, "the dashboard file \(name) is missing from this build")
        }
        let types = ["html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"]
        return Response(status: .ok, headers: [.contentType: types[url.pathExtension]!], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func openAPI() throws -> Response {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"), let data = try? Data(contentsOf: url) else {
            throw APIError(.internalServerError, "the OpenAPI document is missing from this build")
        }
        return Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// One page of `GET …/candidates`.
struct CandidatePage: Codable {
    var total: Int
    var offset: Int
    var candidates: [CandidateSummary]
}

/// A relaxed candidate on the campaign's hull: where it sits (element fractions, formation energy)
/// and how far above (E_hull, decomposition).
struct HullPoint: Codable {
    var id: String
    var formula: String
    var fractions: [String: Double]
    var formationEnergyPerAtom: Double
    var energyAboveHull: Double
    var decomposition: String?
    var rank: Int?

    init?(_ r: CandidateRecord) {
        guard let ef = r.formationEnergyPerAtom, let eh = r.energyAboveHull, let c = try? Composition(r.formula) else { return nil }
        (id, formula, formationEnergyPerAtom, energyAboveHull, decomposition, rank) = (r.id, r.formula, ef, eh, r.decomposition, r.rank)
        fractions = Dictionary(uniqueKeysWithValues: c.fractional.items.map { ($0.0.symbol, $0.1) })
    }
}

/// A ranked candidate with what the ranking weighed.
struct ParetoPoint: Codable {
    var id: String
    var formula: String
    var rank: Int
    var paretoFront: Int?
    var paretoCrowding: Double?
    var energyAboveHull: Double?
    var hhi: Double?
    var abundance: Double?
    var targetProbability: Double?
    var properties: [String: PropertyValue]?

    init(_ r: CandidateRecord) {
        (id, formula, rank, paretoFront, paretoCrowding) = (r.id, r.formula, r.rank ?? 0, r.paretoFront, r.paretoCrowding)
        (energyAboveHull, hhi, abundance, targetProbability, properties) = (r.energyAboveHull, r.hhi, r.abundance, r.targetProbability, r.properties)
    }
}

/// JSON answers: ISO 8601 dates, sorted keys, non-finite numbers as strings.
enum JSONBody {
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"the answer could not be encoded"}"#.utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
