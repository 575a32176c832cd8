import Crystal
import Foundation

/// A unit cell ready to draw: its atoms (with their images on the cell's faces, edges and corners,
/// and the anions bonded to cations in the cell even when they lie beyond it), bonds and the
/// coordination polyhedra of cations with 4–8 anion neighbours.
///
/// Bonds join atoms closer than (1 + `tolerance`) × the sum of their covalent radii, across periodic
/// images. When the structure holds anions (N, O, F, P, S, Cl, Se, Br, Te, I within 0.7 of the most
/// electronegative element present) and cations, only cation–anion pairs bond; otherwise any pair may.
public struct CellScene: Sendable, Equatable {
    public struct Atom: Sendable, Equatable {
        public var element: Element
        /// Cartesian position (Å).
        public var position: Vec3
    }

    /// A cation's coordination polyhedron: faces as atom-index polygons, wound outward.
    public struct Polyhedron: Sendable, Equatable {
        public var center: Int
        public var faces: [[Int]]
    }

    /// Rows are the lattice vectors (Å).
    public var lattice: Matrix3
    public var atoms: [Atom]
    /// Atom-index pairs.
    public var bonds: [[Int]]
    public var polyhedra: [Polyhedron]

    /// Fractional distance from a cell face within which an atom is also drawn on the opposite face.
    static let boundaryTolerance = 0.01
    static let anionCandidates: Set<Int> = [7, 8, 9, 15, 16, 17, 34, 35, 52, 53]

    /// Bond length tolerance: 15 % beyond the summed covalent radii.
    public static let defaultTolerance = 0.15

    public init(_ structure: Structure, tolerance: Double = defaultTolerance) {
        lattice = structure.lattice.matrix
        let wrapped = structure.wrapped
        let elements = Set(wrapped.sites.map(\.element))
        let maxEN = elements.compactMap(\.electronegativity).max() ?? 0
        var anions = Set(elements.filter {
            Self.anionCandidates.contains($0.z) && ($0.electronegativity ?? 0) >= maxEN - 0.7
        })
        if anions == elements { anions = [] }
        let ionic = !anions.isEmpty
        func bondLength(_ a: Element, _ b: Element) -> Double {
            (1 + tolerance) * ((a.covalentRadius ?? a.atomicRadius ?? 1.5) + (b.covalentRadius ?? b.atomicRadius ?? 1.5))
        }
        func bonds(_ a: Element, _ b: Element) -> Bool { !ionic || anions.contains(a) != anions.contains(b) }

        // Atoms in the cell, with copies on the opposite face for those on a face.
        struct Key: Hashable { var site: Int; var shift: SIMD3<Int32> }
        var index: [Key: Int] = [:]
        var atoms: [Atom] = []
        func add(_ key: Key) -> Int {
            if let k = index[key] { return k }
            let f = wrapped.sites[key.site].frac + Vec3(Double(key.shift.x), Double(key.shift.y), Double(key.shift.z))
            atoms.append(Atom(element: wrapped.sites[key.site].element, position: wrapped.lattice.cartesian(f)))
            index[key] = atoms.count - 1
            return atoms.count - 1
        }
        let t = Self.boundaryTolerance
        for (i, site) in wrapped.sites.enumerated() {
            let options = (0..<3).map { axis -> [Int32] in
                let x = site.frac[axis]
                return [0] + (x < t ? [1] : []) + (x > 1 - t ? [-1] : [])
            }
            for a in options[0] { for b in options[1] { for c in options[2] { _ = add(Key(site: i, shift: SIMD3(a, b, c))) } } }
        }
        let base = Array(index.keys).sorted { index[$0]! < index[$1]! }

        // Bonds from every atom of the cell; in ionic cells the anions around a cation are added too.
        let cutoff = elements.flatMap { a in elements.map { b in bondLength(a, b) } }.max() ?? 0
        let list = NeighborList(structure: wrapped, cutoff: cutoff)
        var byCenter: [Int: [(neighbor: Int, image: SIMD3<Int32>)]] = [:]
        for k in 0..<list.count {
            let i = Int(list.centers[k]), j = Int(list.neighbors[k])
            let (a, b) = (wrapped.sites[i].element, wrapped.sites[j].element)
            guard bonds(a, b), list.distances[k] <= bondLength(a, b), list.distances[k] > 0.1 else { continue }
            byCenter[i, default: []].append((j, list.images[k]))
        }
        var bondSet: Set<[Int]> = []
        var coordination: [Int: [Int]] = [:]
        for key in base {
            let center = index[key]!
            let isCation = ionic && !anions.contains(wrapped.sites[key.site].element)
            for (j, image) in byCenter[key.site] ?? [] {
                let neighbor = Key(site: j, shift: key.shift &+ image)
                let other: Int
                if let k = index[neighbor] { other = k } else if isCation { other = add(neighbor) } else { continue }
                bondSet.insert([min(center, other), max(center, other)])
                if isCation { coordination[center, default: []].append(other) }
            }
        }
        self.atoms = atoms
        self.bonds = bondSet.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }
        self.polyhedra = coordination.keys.sorted().compactMap { c in
            let shell = coordination[c]!
            guard (4...8).contains(shell.count) else { return nil }
            return Polyhedron(center: c, faces: Self.hullFaces(shell, atoms.map(\.position), center: atoms[c].position))
        }
    }

    /// Faces of the convex hull of the points `ids` (a handful): every plane through three of them
    /// with all others on one side, as a polygon of all points on it, wound outward from `center`.
    static func hullFaces(_ ids: [Int], _ positions: [Vec3], center: Vec3) -> [[Int]] {
        let p = ids.map { positions[$0] }
        let eps = 1e-3
        var seen: Set<[Int]> = []
        var faces: [[Int]] = []
        for a in p.indices { for b in p.indices where b > a { for c in p.indices where c > b {
            var n = cross(p[b] - p[a], p[c] - p[a])
            let len = norm(n)
            guard len > 1e-6 else { continue }
            n /= len
            let side = p.indices.map { dot(n, p[$0] - p[a]) }
            guard side.allSatisfy({ $0 < eps }) || side.allSatisfy({ $0 > -eps }) else { continue }
            let on = p.indices.filter { abs(side[$0]) < eps }
            guard seen.insert(on).inserted else { continue }
            if dot(n, p[a] - center) < 0 { n = -n }
            let mid = on.reduce(Vec3(repeating: 0)) { $0 + p[$1] } / Double(on.count)
            let u = (p[on[0]] - mid) / max(norm(p[on[0]] - mid), 1e-12), v = cross(n, u)
            let ordered = on.sorted { atan2(dot(p[$0] - mid, v), dot(p[$0] - mid, u)) < atan2(dot(p[$1] - mid, v), dot(p[$1] - mid, u)) }
            faces.append(ordered.map { ids[$0] })
        } } }
        return faces
    }

    /// The compact JSON the report's viewer draws: lattice rows, elements (symbol, colour, radius),
    /// atoms as [x, y, z, element index], bonds, polyhedra as {c: centre, f: faces}.
    public func json() -> String {
        let species = Array(Set(atoms.map(\.element))).sorted()
        let slot = Dictionary(uniqueKeysWithValues: species.enumerated().map { ($1, $0) })
        func n(_ x: Double) -> String { String(format: "%.3f", x) }
        func v(_ x: Vec3) -> String { "[\(n(x.x)),\(n(x.y)),\(n(x.z))]" }
        let cell = "[\(v(lattice[0])),\(v(lattice[1])),\(v(lattice[2]))]"
        let els = species.map { "[\"\($0.symbol)\",\"\(ElementStyle.color($0))\",\(n(ElementStyle.radius($0)))]" }.joined(separator: ",")
        let at = atoms.map { "[\(n($0.position.x)),\(n($0.position.y)),\(n($0.position.z)),\(slot[$0.element]!)]" }.joined(separator: ",")
        let bo = bonds.map { "[\($0[0]),\($0[1])]" }.joined(separator: ",")
        let po = polyhedra.map { p in
            "{\"c\":\(p.center),\"f\":[" + p.faces.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }.joined(separator: ",") + "]}"
        }.joined(separator: ",")
        return "{\"cell\":\(cell),\"el\":[\(els)],\"atoms\":[\(at)],\"bonds\":[\(bo)],\"polys\":[\(po)]}"
    }
}
