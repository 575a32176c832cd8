import ArgumentParser
import Crystal
import CrystalIO
import Foundation

/// Stand-in for CrystalIO's `StructureFile.read(_:)` (branch `io`), so the matching commands build
/// on their own branch. It reads JSON only: Kiln's fixture form `{lattice, species, frac_coords}`,
/// a list of those, `{"structures": [...]}`, or pymatgen's `Structure.as_dict()`; gzip accepted.
/// Delete this file when CrystalIO's `StructureFile` is merged: the commands call the same API.
enum StructureFile {
    static func read(_ url: URL) throws -> [Structure] {
        let data: Data
        do { data = try Gzip.readFile(url) } catch {
            throw ValidationError("\(url.path): cannot read file (\(error))")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) else {
            throw ValidationError("\(url.path): not JSON (this build reads JSON structures only)")
        }
        let items: [Any]
        if let list = json as? [Any] { items = list } else if let d = json as? [String: Any], let l = d["structures"] as? [Any] {
            items = l
        } else { items = [json] }
        return try items.enumerated().map { k, item in
            do { return try structure(item) } catch {
                throw ValidationError("\(url.path): structure \(k + 1): \(error)")
            }
        }
    }

    private static func structure(_ item: Any) throws -> Structure {
        guard let d = item as? [String: Any] else { throw CrystalError.invalidStructure("expected a JSON object") }
        if let rows = d["lattice"] as? [[Double]], let species = d["species"] as? [String],
           let fc = d["frac_coords"] as? [[Double]] {
            guard rows.count == 3, rows.allSatisfy({ $0.count == 3 }), species.count == fc.count,
                  fc.allSatisfy({ $0.count == 3 }) else { throw CrystalError.invalidStructure("lattice must be 3×3 and one species per coordinate") }
            return Structure(lattice: Lattice(rows), sites: try zip(species, fc).map {
                Site(try Species($0.0), Vec3($0.1[0], $0.1[1], $0.1[2]))
            })
        }
        if let lat = d["lattice"] as? [String: Any], let rows = lat["matrix"] as? [[Double]], let sites = d["sites"] as? [[String: Any]] {
            let lattice = Lattice(rows)
            return Structure(lattice: lattice, sites: try sites.map { s in
                guard let sp = s["species"] as? [[String: Any]], let abc = s["abc"] as? [Double], abc.count == 3 else {
                    throw CrystalError.invalidStructure("site without species or abc")
                }
                let occ = try sp.map { e -> Site.SpeciesOccupancy in
                    guard let el = e["element"] as? String else { throw CrystalError.invalidStructure("species without element") }
                    let ox = e["oxidation_state"] as? Double
                    return Site.SpeciesOccupancy(Species(try Element(el), oxidationState: ox == 0 ? nil : ox), e["occu"] as? Double ?? 1)
                }
                return Site(occupancy: occ, frac: Vec3(abc[0], abc[1], abc[2]), label: s["label"] as? String)
            })
        }
        throw CrystalError.invalidStructure("unrecognised structure JSON (need lattice/species/frac_coords or pymatgen's as_dict)")
    }
}
