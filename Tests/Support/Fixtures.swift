import Crystal
import CrystalIO
import Foundation
import KilnSupport

/// Reference answers copied from ../shared/fixtures into Tests/Fixtures (gzip-compressed).
public enum Fixtures {
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The parsed JSON of a fixture file, e.g. `json("structures")`.
    public static func json(_ name: String) throws -> Any {
        let url = directory.appendingPathComponent("\(name).json.gz")
        return try JSONSerialization.jsonObject(with: try Gzip.readFile(url))
    }

    /// A structure from the fixtures' `{lattice, species, frac_coords}` form (`StructureCoding`), as
    /// parsed by `json(_:)`: the numbers are kept exactly as JSONSerialization read them.
    public static func structure(_ dict: Any) throws -> Structure {
        try JSONDecoder().decode(StructureCoding.self, from: JSONSerialization.data(withJSONObject: dict)).structure()
    }
}
