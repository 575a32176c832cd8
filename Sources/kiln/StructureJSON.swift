import Crystal
import CrystalIO
import Foundation

/// Reads structures from JSON (optionally gzip-compressed): a Kiln structure
/// `{"lattice": [[…]×3], "species": [...], "frac_coords": [[…]]}`, a pymatgen `Structure.as_dict()`
/// (ordered sites), a list of either, or a fixture-style `{"structures": [{"id", "structure"}]}`.
/// Returns (name, structure) pairs; names are ids where the file gives them, else `#k`.
enum StructureJSON {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func read(_ url: URL) throws -> [(name: String, structure: Structure)] {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Failure(description: "\(url.path): no such file")
        }
        let data: Data
        do { data = try Gzip.readFile(url) } catch {
            throw Failure(description: "\(url.path): cannot read file (\(error))")
        }
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw Failure(description: "\(url.path): not valid JSON (\(error.localizedDescription))")
        }
        let items: [Any]
        if let dict = root as? [String: Any], let list = dict["structures"] as? [Any] {
            items = list
        } else if let list = root as? [Any] {
            items = list
        } else {
            items = [root]
        }
        guard !items.isEmpty else { throw Failure(description: "\(url.path): no structures in the file") }
        return try items.enumerated().map { k, item in
            var name = "#\(k + 1)"
            var body = item
            if let record = item as? [String: Any], let inner = record["structure"] {
                if let id = record["id"] as? String { name = id }
                body = inner
            }
            do {
                return (name, try structure(body))
            } catch let reason as Failure {
                throw Failure(description: "\(url.path): structure \(name): \(reason.description)")
            } catch {
                throw Failure(description: "\(url.path): structure \(name): \(error)")
            }
        }
    }

    private static func structure(_ value: Any) throws -> Structure {
        guard let d = value as? [String: Any] else { throw Failure(description: "expected a JSON object") }
        if let sites = d["sites"] as? [[String: Any]] { return try pymatgenStructure(d, sites: sites) }
        guard let rows = d["lattice"] as? [[Double]], rows.count == 3, rows.allSatisfy({ $0.count == 3 }) else {
            throw Failure(description: "\"lattice\" must be three rows of three numbers")
        }
        guard let species = d["species"] as? [String] else { throw Failure(description: "\"species\" must be a list of element symbols") }
        guard let coords = d["frac_coords"] as? [[Double]], coords.allSatisfy({ $0.count == 3 }) else {
            throw Failure(description: "\"frac_coords\" must be a list of [x, y, z]")
        }
        guard species.count == coords.count else {
            throw Failure(description: "\(species.count) species but \(coords.count) coordinates")
        }
        let sites = try zip(species, coords).map { Site(try Species($0), Vec3($1[0], $1[1], $1[2])) }
        return Structure(lattice: Lattice(rows), sites: sites)
    }

    private static func pymatgenStructure(_ d: [String: Any], sites: [[String: Any]]) throws -> Structure {
        guard let lat = d["lattice"] as? [String: Any], let rows = lat["matrix"] as? [[Double]], rows.count == 3,
              rows.allSatisfy({ $0.count == 3 }) else {
            throw Failure(description: "pymatgen structure needs \"lattice\": {\"matrix\": 3×3}")
        }
        let parsed = try sites.enumerated().map { i, site -> Site in
            guard let abc = site["abc"] as? [Double], abc.count == 3, let species = site["species"] as? [[String: Any]],
                  !species.isEmpty else {
                throw Failure(description: "site \(i) needs \"abc\" and \"species\"")
            }
            let occupancy = try species.map { entry -> Site.SpeciesOccupancy in
                guard let symbol = entry["element"] as? String else { throw Failure(description: "site \(i): species without \"element\"") }
                let oxidation = entry["oxidation_state"] as? Double
                return Site.SpeciesOccupancy(Species(try Element(symbol), oxidationState: oxidation), entry["occu"] as? Double ?? 1)
            }
            return Site(occupancy: occupancy, frac: Vec3(abc[0], abc[1], abc[2]), label: site["label"] as? String)
        }
        return Structure(lattice: Lattice(rows), sites: parsed)
    }
}
