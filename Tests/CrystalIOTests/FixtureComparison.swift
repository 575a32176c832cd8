import Crystal
import CrystalIO
import Foundation
import KilnTestSupport

/// Helpers comparing parsed structures with the fixtures' pymatgen answers.
enum FixtureComparison {
    static func cifs() throws -> [String: [String: Any]] {
        let root = try Fixtures.json("cifs") as! [String: Any]
        return root["cifs"] as! [String: [String: Any]]
    }

    static func poscars() throws -> [String: [String: Any]] {
        let root = try Fixtures.json("poscars") as! [String: Any]
        return root["poscars"] as! [String: [String: Any]]
    }

    /// structures.json records by id.
    static func structures() throws -> [String: [String: Any]] {
        let root = try Fixtures.json("structures") as! [String: Any]
        var out: [String: [String: Any]] = [:]
        for r in root["structures"] as! [[String: Any]] { out[r["id"] as! String] = r }
        return out
    }

    /// A site as (element symbol → occupancy, fractional coordinates).
    typealias LooseSite = (species: [String: Double], frac: Vec3)

    static func looseSites(_ s: Structure) -> [LooseSite] {
        s.sites.map { site in
            var sp: [String: Double] = [:]
            for o in site.occupancy { sp[o.species.element.symbol, default: 0] += o.occupancy }
            return (sp, site.frac)
        }
    }

    /// Sites of a fixture `disordered_structure` ({lattice, sites: [{species, frac_coords}]}).
    static func looseSites(disordered d: [String: Any]) -> [LooseSite] {
        (d["sites"] as! [[String: Any]]).map { s in
            let f = s["frac_coords"] as! [Double]
            return (s["species"] as! [String: Double], Vec3(f[0], f[1], f[2]))
        }
    }

    /// Sites of a fixture `{lattice, species, frac_coords}` structure.
    static func looseSites(ordered st: [String: Any]) -> [LooseSite] {
        let species = st["species"] as! [String]
        let fc = st["frac_coords"] as! [[Double]]
        return zip(species, fc).map { ([$0: 1.0], Vec3($1[0], $1[1], $1[2])) }
    }

    /// Largest element difference between a lattice and reference rows, nil when within tol.
    static func latticeDifference(_ l: Lattice, _ rows: [[Double]], tol: Double) -> String? {
        var worst = 0.0
        for i in 0..<3 { for j in 0..<3 { worst = max(worst, abs(l.matrix[i][j] - rows[i][j])) } }
        return worst <= tol ? nil : "lattice differs by \(worst) Å"
    }

    /// Element amounts equal within `tol`.
    static func sameComposition(_ a: Composition, _ b: Composition, tol: Double) -> Bool {
        Set(a.elements) == Set(b.elements) && a.elements.allSatisfy { abs(a[$0] - b[$0]) <= tol }
    }

    /// Compares two site lists as sets: same species and occupancies, coordinates equal modulo 1
    /// (or exactly, when `periodic` is false) within `tol` per axis. Nil when they match.
    static func siteSetDifference(_ a: [LooseSite], _ b: [LooseSite], tol: Double, periodic: Bool = true) -> String? {
        guard a.count == b.count else { return "\(a.count) sites, expected \(b.count)" }
        var used = [Bool](repeating: false, count: b.count)
        for (i, s) in a.enumerated() {
            let hit = b.indices.first { j in
                guard !used[j], s.species.count == b[j].species.count,
                      s.species.allSatisfy({ abs($0.value - (b[j].species[$0.key] ?? -9)) < 1e-6 }) else { return false }
                var d = s.frac - b[j].frac
                if periodic { d -= d.rounded(.toNearestOrEven) }
                return abs(d.x) < tol && abs(d.y) < tol && abs(d.z) < tol
            }
            guard let j = hit else { return "site \(i) \(s.species) at \(s.frac) has no counterpart" }
            used[j] = true
        }
        return nil
    }
}
