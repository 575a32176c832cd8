import Crystal
import Foundation

/// pymatgen's `Structure.as_dict()` JSON: `@module`/`@class`, `lattice.matrix`, and `sites` with
/// `species: [{element, occu, oxidation_state?}]` and `abc` (fractional) or `xyz` (Cartesian).
/// A top-level list holds several structures. Subclasses with the same keys (Slab, Interface,
/// TransformedStructure's final structure) read as plain structures.
public enum StructureJSON {
    public static func read(_ data: Data, file: String = "<string>") throws -> [Structure] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch let e as NSError {
            // Foundation reports the offset as "... around character N." (or in NSJSONSerializationErrorIndex).
            let detail = (e.userInfo["NSDebugDescription"] as? String) ?? e.localizedDescription
            var index = e.userInfo["NSJSONSerializationErrorIndex"] as? Int
            if index == nil, let r = detail.range(of: "character ") {
                index = Int(detail[r.upperBound...].prefix { $0.isNumber })
            }
            let line = index.map { i in data.prefix(i).reduce(1) { $0 + ($1 == 0x0a ? 1 : 0) } }
            throw CrystalIOError(file: file, line: line, "invalid JSON: \(detail)")
        }
        let dicts: [Any] = (object as? [Any]) ?? [object]
        guard !dicts.isEmpty else { throw CrystalIOError(file: file, "empty JSON list") }
        return try dicts.enumerated().map { k, d in
            try structure(d, where: dicts.count > 1 ? "\(file) [\(k)]" : file)
        }
    }

    static func structure(_ object: Any, where file: String) throws -> Structure {
        func fail(_ why: String) -> CrystalIOError { CrystalIOError(file: file, why) }
        guard let d = object as? [String: Any] else { throw fail("expected a JSON object describing a Structure") }
        // Structure subclasses (Slab, Interface) and TransformedStructure keep lattice and sites
        // at the top level; molecules have no lattice.
        if let cls = d["@class"] as? String, cls.hasSuffix("Molecule") {
            throw fail("@class is '\(cls)': a molecule has no lattice")
        }
        let matrixObject = (d["lattice"] as? [String: Any])?["matrix"] ?? d["lattice"]
        guard let rows = matrixObject as? [[Double]], rows.count == 3, rows.allSatisfy({ $0.count == 3 && $0.allSatisfy(\.isFinite) })
        else { throw fail("lattice.matrix must be a 3×3 array of numbers") }
        let lattice = Lattice(rows)
        if let problem = lattice.problems().first { throw fail(problem) }
        guard let siteList = d["sites"] as? [[String: Any]] else { throw fail("missing 'sites' list") }
        let sites: [Site] = try siteList.enumerated().map { i, s in
            guard let speciesList = s["species"] as? [[String: Any]], !speciesList.isEmpty else {
                throw fail("site \(i): missing species list")
            }
            let occupancy: [Site.SpeciesOccupancy] = try speciesList.map { sp in
                guard let sym = sp["element"] as? String, let el = try? Element(sym) else {
                    throw fail("site \(i): unknown element \(sp["element"] ?? "nil")")
                }
                let occu: Double
                switch sp["occu"] {
                case nil, is NSNull: occu = 1
                case let d as Double: occu = d
                default: throw fail("site \(i): occupancy \(sp["occu"]!) is not a number")
                }
                guard occu.isFinite, occu > 0, occu <= 1 + 1e-6 else { throw fail("site \(i): occupancy \(occu) outside (0, 1]") }
                return Site.SpeciesOccupancy(Species(el, oxidationState: sp["oxidation_state"] as? Double), occu)
            }
            let total = occupancy.reduce(0) { $0 + $1.occupancy }
            guard total <= 1 + 1e-6 else { throw fail("site \(i): occupancies add up to \(total), more than 1") }
            let frac: Vec3
            if let abc = s["abc"] as? [Double], abc.count == 3, abc.allSatisfy(\.isFinite) {
                frac = Vec3(abc[0], abc[1], abc[2])
            } else if let xyz = s["xyz"] as? [Double], xyz.count == 3, xyz.allSatisfy(\.isFinite) {
                frac = lattice.fractional(Vec3(xyz[0], xyz[1], xyz[2]))
            } else {
                throw fail("site \(i): needs 'abc' or 'xyz' with three numbers")
            }
            return Site(occupancy: occupancy, frac: frac, label: s["label"] as? String)
        }
        return Structure(lattice: lattice, sites: sites)
    }

    /// The `as_dict()` form of one structure.
    public static func object(_ s: Structure) -> [String: Any] {
        let p = s.lattice.parameters
        let lattice: [String: Any] = [
            "matrix": s.lattice.matrix.array, "pbc": [true, true, true],
            "a": p[0], "b": p[1], "c": p[2], "alpha": p[3], "beta": p[4], "gamma": p[5], "volume": s.lattice.volume,
        ]
        let sites: [[String: Any]] = s.sites.map { site in
            let species: [[String: Any]] = site.occupancy.map { o in
                var d: [String: Any] = ["element": o.species.element.symbol, "occu": o.occupancy]
                if let ox = o.species.oxidationState { d["oxidation_state"] = ox }
                return d
            }
            let r = s.lattice.cartesian(site.frac)
            return ["species": species, "abc": [site.frac.x, site.frac.y, site.frac.z], "xyz": [r.x, r.y, r.z],
                    "properties": [String: Any](),
                    "label": site.label ?? site.occupancy.map { $0.species.description }.joined(separator: ",")]
        }
        return ["@module": "pymatgen.core.structure", "@class": "Structure", "charge": 0,
                "lattice": lattice, "properties": [String: Any](), "sites": sites]
    }

    /// JSON text of one structure (an object) or several (a list).
    public static func data(_ structures: [Structure]) throws -> Data {
        let object: Any = structures.count == 1 ? self.object(structures[0]) : structures.map(self.object)
        return try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    }
}
