import Crystal
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

    /// A structure from the fixtures' `{lattice, species, frac_coords}` form.
    public static func structure(_ dict: Any) throws -> Structure {
        guard let d = dict as? [String: Any], let lat = d["lattice"] as? [[Double]],
              let sp = d["species"] as? [String], let fc = d["frac_coords"] as? [[Double]]
        else { throw CrystalError.invalidStructure("fixture structure is malformed") }
        return Structure(lattice: Lattice(lat), species: try sp.map { try Element($0) },
                         fracCoords: fc.map { Vec3($0[0], $0[1], $0[2]) })
    }
}
