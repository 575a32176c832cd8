import Crystal
import CrystalIO
import Foundation
import KilnSupport

/// The fixture files the benchmarks read (Tests/Fixtures, gzip-compressed JSON).
enum BenchInputs {
    static func json(_ path: String) throws -> [String: Any] {
        let data = try Gzip.readFile(URL(fileURLWithPath: path))
        guard let d = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CrystalIOError(file: path, "expected a JSON object")
        }
        return d
    }

    /// CIF texts in id order.
    static func cifTexts(_ path: String) throws -> [String] {
        guard let cifs = try json(path)["cifs"] as? [String: [String: Any]] else {
            throw CrystalIOError(file: path, "no 'cifs' object")
        }
        return cifs.keys.sorted().compactMap { cifs[$0]?["text"] as? String }
    }

    static func fixtureStructures(_ path: String) throws -> [Structure] {
        guard let records = try json(path)["structures"] as? [[String: Any]] else {
            throw CrystalIOError(file: path, "no 'structures' list")
        }
        return try records.map { r in
            guard let d = r["structure"] as? [String: Any], let lat = d["lattice"] as? [[Double]],
                  let sp = d["species"] as? [String], let fc = d["frac_coords"] as? [[Double]], sp.count == fc.count
            else { throw CrystalIOError(file: path, "malformed structure \(r["id"] ?? "?")") }
            return Structure(lattice: Lattice(lat), species: try sp.map { try Element($0) },
                             fracCoords: fc.map { Vec3($0[0], $0[1], $0[2]) })
        }
    }
}
