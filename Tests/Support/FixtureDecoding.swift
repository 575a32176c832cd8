import Foundation
import KilnSupport

extension Fixtures {
    /// A fixture file decoded with `JSONDecoder`, e.g. `decode(File.self, from: "order_parameters")`.
    /// Unlike `json(_:)` (JSONSerialization, which on Linux can misread a double by one ulp), it
    /// reads every number exactly as written.
    public static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        let url = directory.appendingPathComponent("\(name).json.gz")
        return try JSONDecoder().decode(type, from: try Gzip.readFile(url))
    }
}
