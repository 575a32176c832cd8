import ArgumentParser
import Foundation
import KilnServer

/// `kiln serve`: campaigns over HTTP (the REST API of Sources/KilnServer/Resources/openapi.yaml).
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve campaigns over HTTP: submit them, follow their progress, read their candidates and reports.",
        discussion: """
            The API is described by the OpenAPI document at /api/openapi.yaml (docs/server.md); a \
            browser dashboard is at /ui/. Lab and DFT outcomes recorded over the API rescore the campaign. \
            Submitted campaigns run one at a time, in order; their files live under DATA/campaigns/. \
            Writes need a bearer token: `kiln serve --init-token` makes one (printed once; only its \
            SHA-256 is kept, in DATA/token.sha256, and a new one replaces it), or set \(AccessTokens.environmentVariable). \
            A restarted server resumes the campaign it was running. Stop with Ctrl-C or SIGTERM.
            """)

    @Option(help: "The server's data folder (campaigns, token hash).")
    var data = "kiln-server"

    @Option(help: "Address to listen on (127.0.0.1: this machine only).")
    var host = "127.0.0.1"

    @Option(help: "Port (0: any free port, printed at start).")
    var port = 8080

    @Flag(help: "Make a new access token, print it, store its hash in the data folder and exit.")
    var initToken = false

    @Flag(help: "Reads need the token too (writes always do).")
    var protectReads = false

    @Option(help: "Largest request body in bytes.")
    var maxBody = 1 << 20

    @Option(help: "Structures a running campaign relaxes at once.")
    var workers = 2

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port: expected 0…65535, got \(port)") }
        guard (1024...(256 << 20)).contains(maxBody) else { throw ValidationError("--max-body: expected 1024…268435456 bytes, got \(maxBody)") }
        try RelaxationOptions.validate(workers: workers)
    }

    func run() throws {
        let folder = URL(fileURLWithPath: data)
        if initToken {
            let token = try AccessTokens.create(in: folder)
            print(token)
            printError("kiln: a new access token (shown once; its SHA-256 is in \(folder.path)/token.sha256; the previous token no longer works)")
            return
        }
        var settings = ServerSettings(dataDirectory: folder)
        (settings.host, settings.port, settings.protectReads, settings.maxBodyBytes, settings.workers) = (host, port, protectReads, maxBody, workers)
        let server: KilnServer
        do { server = try KilnServer(settings: settings) } catch { throw CommandError(describe(error)) }
        if server.tokens.isEmpty {
            printError("kiln: no access token: every write is refused (run `kiln serve --data \(data) --init-token`, or set \(AccessTokens.environmentVariable))")
        }
        let outcome = ServeOutcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await server.run(signals: true) { [host] port in printError("kiln: serving http://\(host):\(port)/api/ (data: \(folder.path))") }
            } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw CommandError("kiln serve: \(describe(error))") }
    }
}

/// How the server task ended (set once, read after it signalled).
private final class ServeOutcome: @unchecked Sendable {
    var error: (any Error)?
}
