extension Structure {
    /// Smallest distance between any two sites, periodic images included
    /// (a one-site cell gives its shortest lattice translation).
    public var minimumDistance: Double {
        var cutoff = 3.0
        while true {
            var best = Double.infinity
            NeighborList.forEachPair(in: self, cutoff: cutoff) { _, _, _, d in best = min(best, d) }
            if best.isFinite || !cutoff.isFinite { return best }
            cutoff *= 2
        }
    }

    /// Everything that makes this structure physically impossible, as readable reasons;
    /// empty when it is usable. Checks NaN, degenerate/inverted lattice, volume < 0.1 Å³,
    /// atoms closer than `minDistance` Å, occupancies outside (0, 1].
    public func problems(minDistance: Double = 0.5) -> [String] {
        var out = lattice.problems(allowLeftHanded: true)
        if !out.isEmpty { return out }
        if sites.isEmpty { return ["structure has no sites"] }
        if sites.contains(where: { !$0.frac.x.isFinite || !$0.frac.y.isFinite || !$0.frac.z.isFinite }) {
            return ["site coordinates contain NaN or infinite values"]
        }
        for (i, s) in sites.enumerated() {
            let total = s.occupancy.reduce(0) { $0 + $1.occupancy }
            if s.occupancy.contains(where: { $0.occupancy <= 0 }) || total > 1 + 1e-3 {
                out.append("site \(i) has occupancy \(total), outside (0, 1]")
            }
        }
        var closest: (Double, Int, Int)? = nil
        NeighborList.forEachPair(in: self, cutoff: minDistance) { i, j, _, d in
            if d < minDistance, closest == nil || d < closest!.0 { closest = (d, i, j) }
        }
        if let (d, i, j) = closest {
            out.append(String(format: "atoms %d (%@) and %d (%@) are %.3f Å apart, closer than %.2f Å",
                              i, sites[i].species.description, j, sites[j].species.description, d, minDistance))
        }
        return out
    }

    /// Throws `CrystalError.invalidStructure` listing every problem found by `problems()`.
    public func validate(minDistance: Double = 0.5) throws {
        let p = problems(minDistance: minDistance)
        if !p.isEmpty { throw CrystalError.invalidStructure(p.joined(separator: "; ")) }
    }
}
