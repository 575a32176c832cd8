import Foundation
import Learning

/// The bearer tokens that may write (and, with `protectReads`, read): the one created by
/// `kiln serve --init-token` (only its SHA-256 is kept, in DATA/token.sha256) and the one in
/// `KILN_TOKEN`, if set. With neither, every write is refused.
public struct AccessTokens: Sendable {
    let hashes: [[UInt8]]

    public static let environmentVariable = "KILN_TOKEN"

    public init(dataDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var hashes: [[UInt8]] = []
        let file = Self.file(in: dataDirectory)
        if FileManager.default.fileExists(atPath: file.path) {
            let text = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let hash = Self.bytes(hex: text), hash.count == 32 else {
                throw ServerError.configuration("\(file.path) does not hold a SHA-256 in hex; run `kiln serve --init-token` again")
            }
            hashes.append(hash)
        }
        if let token = environment[Self.environmentVariable], !token.isEmpty {
            guard token.count >= 16 else { throw ServerError.configuration("\(Self.environmentVariable) is shorter than 16 characters") }
            hashes.append(SHA256.digest(Array(token.utf8)))
        }
        self.hashes = hashes
    }

    /// True when no token is configured (writes are then impossible).
    public var isEmpty: Bool { hashes.isEmpty }

    /// Whether an `Authorization` header carries a valid bearer token (compared by hash, in constant time).
    public func accepts(authorization: String?) -> Bool {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
        let presented = SHA256.digest(Array(authorization.dropFirst("Bearer ".count).utf8))
        var ok = false
        for h in hashes {
            var diff: UInt8 = 0
            for (a, b) in zip(h, presented) { diff |= a ^ b }
            ok = ok || diff == 0
        }
        return ok
    }

    /// Makes a new random token, stores its hash (replacing the previous token) and returns it: it
    /// is shown once and never stored in clear.
    public static func create(in dataDirectory: URL) throws -> String {
        var rng = SystemRandomNumberGenerator()
        let token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let file = Self.file(in: dataDirectory)
        let hex = SHA256.digest(Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
        try Data((hex + "\n").utf8).write(to: file, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        return token
    }

    static func file(in dataDirectory: URL) -> URL { dataDirectory.appendingPathComponent("token.sha256") }

    static func bytes(hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: chars.count, by: 2) {
            guard let b = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
        }
        return out
    }
}

/// A server set-up problem (bad token file, unusable data folder).
public enum ServerError: Error, CustomStringConvertible {
    case configuration(String)

    public var description: String {
        switch self {
        case .configuration(let why): return why
        }
    }
}
