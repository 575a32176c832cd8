import Campaign
import Foundation
import Hummingbird
import KilnSupport

/// `kiln serve`: the campaign queue behind a REST API (Resources/openapi.yaml). Writes need a bearer
/// token, reads too with `protectReads`; bodies are bounded; every error is JSON `{"error": "…"}`.
public struct KilnServer: Sendable {
    public let settings: ServerSettings
    public let queue: CampaignQueue
    public let tokens: AccessTokens

    public init(settings: ServerSettings, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        self.settings = settings
        tokens = try AccessTokens(dataDirectory: settings.dataDirectory, environment: environment)
        queue = try CampaignQueue(settings: settings)
    }

    /// Serves until the task is cancelled (or, with `signals`, SIGINT/SIGTERM); `onListening` gets the bound port.
    public func run(signals: Bool = false, onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let app = Application(
            router: router(),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "kiln/\(KilnVersion.number)"),
            onServerRunning: { onListening($0.localAddress?.port ?? 0) })
        if signals { try await app.runService() } else { try await app.run() }
        queue.stop()
    }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AccessMiddleware(tokens: tokens, protectReads: settings.protectReads))
        ServerRoutes(queue: queue, maxBodyBytes: settings.maxBodyBytes).register(on: router)
        return router
    }
}

/// Writes (anything but GET and HEAD) need a valid bearer token; with `protectReads`, every
/// `/api/` request but the health check does.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: AccessTokens
    let protectReads: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let write = request.method != .get && request.method != .head
        let path = request.uri.path
        if write || (protectReads && path.hasPrefix("/api/") && path != "/api/health") {
            guard !tokens.isEmpty else {
                throw APIError(.forbidden, "this server has no access token; start it after `kiln serve --init-token` or with KILN_TOKEN set")
            }
            guard tokens.accepts(authorization: request.headers[.authorization]) else {
                var e = APIError(.unauthorized, "a valid bearer token is needed (Authorization: Bearer TOKEN)")
                e.headers = [.wwwAuthenticate: "Bearer realm=\"kiln\""]
                throw e
            }
        }
        return try await next(request, context)
    }
}

/// Every answer: no content-type sniffing, no framing, and a content-security policy that lets the
/// dashboard's pages run only the server's own scripts and styles (no inline code, no other origin).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var r = try await next(request, context)
        r.headers[.xContentTypeOptions] = "nosniff"
        r.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        return r
    }
}

/// Turns every error into `{"error": "…"}` with the right status: the API's own, Hummingbird's
/// (404, 413, …), bad campaigns and queries (400), a full queue (503); anything else is a 500
/// whose text is the error's plain description.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do { return try await next(request, context) } catch let e as HTTPError where e.status == .notFound && e.body == nil {
            return APIError(.notFound, "no such endpoint: \(request.method) \(request.uri.path) (the API: /api/openapi.yaml)").response()
        } catch {
            return APIError(error).response()
        }
    }
}

/// An error answer of the API.
struct APIError: Error {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ message: String) {
        (self.status, self.message) = (status, message)
    }

    init(_ error: any Error) {
        switch error {
        case let e as APIError: self = e
        case let e as HTTPError: self.init(e.status, e.body ?? e.status.reasonPhrase)
        case is QueryError: self.init(.badRequest, ErrorText.describe(error))
        case is QueueFull: self.init(.serviceUnavailable, ErrorText.describe(error))
        case is CampaignSpecError: self.init(.badRequest, ErrorText.describe(error))
        case let e as OutcomeError where e.field == "candidate" && e.reason.hasPrefix("no candidate"): self.init(.notFound, e.description)
        case is OutcomeError: self.init(.badRequest, ErrorText.describe(error))
        default: self.init(.internalServerError, ErrorText.describe(error))
        }
    }

    func response() -> Response {
        var r = JSONBody.response(["error": message], status: status)
        r.headers.append(contentsOf: headers)
        return r
    }
}
