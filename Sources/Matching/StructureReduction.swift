import Crystal
import Foundation

/// The reductions StructureMatcher applies before matching, as pymatgen does them:
/// Niggli reduction (`get_reduced_structure`) and pymatgen's own primitive-cell finder
/// (`get_primitive_structure`, tolerance 0.25 Å), not spglib's.
enum StructureReduction {
    /// Niggli-reduced copy; coordinates are re-expressed and wrapped only if the lattice changes.
    static func niggli(_ s: Structure) -> Structure {
        let reduced = s.lattice.niggliReduced()
        if allClose(reduced.matrix, s.lattice.matrix) { return s }
        var out = Structure(lattice: reduced, sites: s.sites)
        for i in out.sites.indices {
            let f = reduced.fractional(s.lattice.cartesian(s.sites[i].frac))
            out.sites[i].frac = f - f.rounded(.down)
        }
        return out
    }

    /// Niggli reduction followed (optionally) by the primitive-cell search, as in
    /// `StructureMatcher._get_reduced_structure`.
    static func reduced(_ s: Structure, primitive: Bool) -> Structure {
        let n = niggli(s)
        guard primitive else { return n }
        return primitiveCell(n, tolerance: 0.25).map(niggli) ?? n
    }

    /// numpy's `allclose` (rtol 1e-5, atol 1e-8) on matrices.
    static func allClose(_ a: Matrix3, _ b: Matrix3) -> Bool {
        for i in 0..<3 { for j in 0..<3 where abs(a[i, j] - b[i, j]) > 1e-8 + 1e-5 * abs(b[i, j]) { return false } }
        return true
    }

    /// pymatgen's `species_string`, used to group sites.
    static func label(_ site: Site) -> String {
        if site.occupancy.count == 1 && abs(site.occupancy[0].occupancy - 1) < 1e-8 {
            return site.occupancy[0].species.description
        }
        return site.occupancy.sorted { l, r in
            let x = l.species.element.sortingElectronegativity, y = r.species.element.sortingElectronegativity
            if x != y { return x < y }
            if l.species.element.symbol != r.species.element.symbol { return l.species.element.symbol < r.species.element.symbol }
            return (l.species.oxidationState ?? 0) < (r.species.oxidationState ?? 0)
        }.map { "\($0.species):\(String(format: "%.3f", $0.occupancy))" }.joined(separator: ", ")
    }

    @inline(__always) static func wrapDiff(_ d: Vec3) -> Vec3 { absolute(d - d.rounded(.toNearestOrEven)) }

    /// A smaller cell holding the same crystal, found by pymatgen's algorithm (recursively, the
    /// result Niggli-reduced), or nil when the cell is already primitive.
    static func primitiveCell(_ s: Structure, tolerance: Double) -> Structure? {
        // Group sites by species label (stable sort by label, as Python's sorted).
        let labels = s.sites.map(label)
        let order = s.sites.indices.sorted { labels[$0] < labels[$1] || (labels[$0] == labels[$1] && $0 < $1) }
        var groups: [[Int]] = []
        for i in order {
            if let last = groups.last?.last, labels[last] == labels[i] { groups[groups.count - 1].append(i) } else { groups.append([i]) }
        }
        let coords = groups.map { $0.map { s.sites[$0].frac } }
        let abc = s.lattice.lengths
        let superTol = Vec3(repeating: tolerance) / abc
        let superTol2 = superTol * 2

        // Approximate periodicities: differences within the smallest group, kept only if they
        // map every group onto itself.
        let smallest = coords.min { $0.count < $1.count }!
        var minVecs = smallest.map { $0 - smallest[0] }
        for g in coords.sorted(by: { $0.count < $1.count }) {
            for f in g {
                let shifted = g.map { $0 - f }
                minVecs = minVecs.filter { v in
                    shifted.contains { w in
                        let d = wrapDiff(v - w)
                        return d.x < superTol2.x && d.y < superTol2.y && d.z < superTol2.z
                    }
                }
            }
        }

        // Sites may not be matched to their neighbours in the supercell.
        let nonNeighbours: [[[Bool]]] = coords.map { g in
            g.indices.map { i in
                g.indices.map { j in
                    if i == j { return true }
                    let d = wrapDiff(g[j] - g[i])
                    return d.x > superTol2.x || d.y > superTol2.y || d.z > superTol2.z
                }
            }
        }

        let numFU = groups.reduce(0) { gcdInt($0, $1.count) }
        for det in 2...max(2, numFU) where numFU % det == 0 {
            for a in 1...det where det % a == 0 {
                for e in 1...(det / a) where (det / a) % e == 0 {
                    let g = det / a / e
                    for b in 0..<a {
                        for c in 0..<a {
                            for f in 0..<e {
                                let m = Matrix3(Vec3(Double(a), Double(b), Double(c)), Vec3(0, Double(e), Double(f)),
                                                Vec3(0, 0, Double(g)))
                                let inv = m.inverse
                                let rowsPresent = (0..<3).allSatisfy { r in
                                    minVecs.contains { v in
                                        let d = wrapDiff(inv[r] - v)
                                        return d.x < superTol.x && d.y < superTol.y && d.z < superTol.z
                                    }
                                }
                                guard rowsPresent else { continue }
                                if let prim = collapse(s, groups: groups, coords: coords, nonNeighbours: nonNeighbours,
                                                       matrix: m, size: det, tolerance: tolerance) {
                                    return primitiveCell(prim, tolerance: tolerance).map(niggli) ?? niggli(prim)
                                }
                            }
                        }
                    }
                }
            }
        }
        return nil
    }

    /// The cell with lattice m⁻¹·L and each clique of `size` equivalent sites averaged into one,
    /// or nil when the sites do not fall into such cliques.
    private static func collapse(_ s: Structure, groups: [[Int]], coords: [[Vec3]], nonNeighbours: [[[Bool]]],
                                 matrix m: Matrix3, size: Int, tolerance: Double) -> Structure? {
        let newLattice = Lattice(m.inverse * s.lattice.matrix)
        let ftol = Vec3(repeating: tolerance) / newLattice.lengths
        var sites: [Site] = []
        for (gi, g) in groups.enumerated() {
            let all = coords[gi].map { $0 * m }
            let n = all.count
            var adj = [Bool](repeating: false, count: n * n)
            for i in 0..<n {
                for j in 0..<n {
                    let d = wrapDiff(all[j] - all[i])
                    adj[i * n + j] = d.x < ftol.x && d.y < ftol.y && d.z < ftol.z && nonNeighbours[gi][i][j]
                }
            }
            for j in 0..<n {
                var sum = 0
                for i in 0..<n where adj[i * n + j] { sum += 1 }
                if sum != size { return nil }
            }
            for i in 0..<n {
                let members = (0..<n).filter { adj[i * n + $0] }
                for p in members { for q in members where !adj[p * n + q] { return nil } }
            }
            var added = [Bool](repeating: false, count: n)
            let wrapped = all.map { $0 - $0.rounded(.down) }
            for i in 0..<n where !added[i] {
                let members = (0..<n).filter { adj[i * n + $0] }
                for k in members { added[k] = true }
                var c = wrapped[members[0]]
                for (k, idx) in members.dropFirst().enumerated() {
                    let off = wrapped[idx] - c
                    c += (off - off.rounded(.toNearestOrEven)) / Double(k + 2)
                }
                var site = s.sites[g[members[0]]]
                site.frac = c
                sites.append(site)
            }
        }
        return Structure(lattice: newLattice, sites: sites)
    }

    static func gcdInt(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (abs(a), abs(b))
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
