import Foundation
import KilnSupport
import TOMLKit

extension CampaignSpec {
    /// The TOML text of a campaign written as JSON (the same keys and nesting as the TOML file:
    /// objects are tables, arrays of objects arrays of tables), so a JSON submission is read,
    /// checked and stored exactly like a campaign file. JSON `null` is refused: TOML has none.
    public static func toml(fromJSON data: Data) throws -> String {
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw CampaignSpecError(key: "", reason: "not valid JSON: \(ErrorText.describe(error))")
        }
        guard case .object(let members) = value else {
            throw CampaignSpecError(key: "", reason: "a JSON campaign is an object of campaign keys")
        }
        return try table(members, path: "").convert(to: .toml)
    }

    private static func table(_ members: [String: JSONValue], path: String) throws -> TOMLTable {
        let t = TOMLTable()
        for (key, v) in members {
            t[key] = try tomlValue(v, path: path.isEmpty ? key : "\(path).\(key)")
        }
        return t
    }

    private static func tomlValue(_ v: JSONValue, path: String) throws -> any TOMLValueConvertible {
        switch v {
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d): return d
        case .string(let s): return s
        case .object(let m): return try table(m, path: path)
        case .array(let items):
            let a = TOMLArray()
            for (i, item) in items.enumerated() { a.append(try tomlValue(item, path: "\(path)[\(i)]")) }
            return a
        case .null: throw CampaignSpecError(key: path, reason: "null has no TOML form; leave the key out")
        }
    }
}

/// A JSON document, kept with integers apart from reals (TOML tells them apart).
enum JSONValue: Decodable {
    case bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue]), null

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    /// A scalar as text (as a CSV cell would hold it); nil for arrays, objects and null.
    var text: String? {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .array, .object, .null: return nil
        }
    }
}
