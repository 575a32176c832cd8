import Crystal

/// Random split of per-element atom counts into Wyckoff orbits of one space group: each element's
/// count becomes a sum of multiplicities; a position without free coordinates holds one orbit at most.
struct WyckoffAssigner {
    let group: WyckoffTable
    let counts: [Int]
    /// Search nodes before the group is given up as incompatible.
    static let nodeLimit = 2000

    /// For each element, the indices (into `group.positions`) of the orbits it occupies;
    /// nil when the counts do not fit the group (or the search hits `nodeLimit`).
    func assign(using rng: inout SeededGenerator) -> [[Int]]? {
        let mult = group.positions.map(\.multiplicity)
        let free = group.positions.map(\.hasFreedom)
        var used = [Bool](repeating: false, count: mult.count)
        var result = [[Int]](repeating: [], count: counts.count)
        var nodes = 0
        // Orbits of one element are chosen in non-decreasing position index, so each split is visited once.
        func fill(_ e: Int, _ remaining: Int, _ first: Int) -> Bool {
            if remaining == 0 { return e + 1 == counts.count || fill(e + 1, counts[e + 1], 0) }
            nodes += 1
            if nodes > Self.nodeLimit { return false }
            var options = (first..<mult.count).filter { mult[$0] <= remaining && (free[$0] || !used[$0]) }
            options.shuffle(using: &rng)
            for p in options {
                used[p] = !free[p]
                result[e].append(p)
                if fill(e, remaining - mult[p], p) { return true }
                result[e].removeLast()
                used[p] = false
            }
            return false
        }
        return fill(0, counts[0], 0) ? result : nil
    }
}
