import Crystal

extension StructureMatcher {
    /// pymatgen's `fit_anonymous` for ordered structures: true when some one-to-one renaming of
    /// `a`'s elements onto `b`'s (each element keeping its share of the sites) makes them match, so
    /// two structures of one structure type match whatever their chemistry (SrTiO3 and KNbO3
    /// perovskites). Oxidation states are ignored; disordered structures match nothing.
    public func fitAnonymous(_ a: PreparedStructure, _ b: PreparedStructure) -> Bool {
        guard a.matchable, b.matchable, a.original.isOrdered, b.original.isOrdered else { return false }
        let fa = Self.elementFractions(a.reduced), fb = Self.elementFractions(b.reduced)
        guard fa.count == fb.count, zip(fa.map(\.1).sorted(), fb.map(\.1).sorted()).allSatisfy({ abs($0 - $1) < 1e-6 }) else {
            return false
        }
        let target = b.renamed([:], comparator: comparator)
        return Self.bijections(fa, fb).contains { fit(a.renamed($0, comparator: comparator), target) }
    }

    /// Each element with its fraction of the sites, in a fixed order.
    private static func elementFractions(_ s: Structure) -> [(Element, Double)] {
        var counts: [Element: Int] = [:]
        for site in s.sites { counts[site.element, default: 0] += 1 }
        return counts.map { ($0.key, Double($0.value) / Double(s.count)) }.sorted { $0.0.z < $1.0.z }
    }

    /// Every one-to-one map from `a`'s elements onto `b`'s that keeps each fraction.
    private static func bijections(_ a: [(Element, Double)], _ b: [(Element, Double)]) -> [[Element: Element]] {
        var out: [[Element: Element]] = []
        var map: [Element: Element] = [:]
        var used = Set<Element>()
        func extend(_ k: Int) {
            if k == a.count { out.append(map); return }
            for (e, f) in b where !used.contains(e) && abs(f - a[k].1) < 1e-6 {
                map[a[k].0] = e
                used.insert(e)
                extend(k + 1)
                used.remove(e)
            }
        }
        extend(0)
        return out
    }
}

extension PreparedStructure {
    /// The same prepared structure with elements renamed by `map` (unmapped ones kept) and
    /// oxidation states dropped; renaming keeps the reduced cell valid.
    func renamed(_ map: [Element: Element], comparator: SiteComparator) -> PreparedStructure {
        func rename(_ s: Structure) -> Structure {
            Structure(lattice: s.lattice, sites: s.sites.map { Site(map[$0.element] ?? $0.element, $0.frac) })
        }
        let original = rename(self.original)
        return PreparedStructure(original: original, reduced: rename(reduced), compositionKey: comparator.compositionKey(original),
                                 primitiveCell: primitiveCell, matchable: matchable)
    }
}
