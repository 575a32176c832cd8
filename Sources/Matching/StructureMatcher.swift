import Crystal
import Foundation

/// Decides whether two crystal structures are the same within tolerances, with the semantics and
/// parameters of pymatgen's `StructureMatcher` (see docs/matching.md for the algorithm and the
/// few places where Kiln differs).
public struct StructureMatcher: Sendable, Hashable {
    /// Fractional length tolerance for lattice vectors.
    public var ltol: Double
    /// Site tolerance, as a fraction of the average free length per atom (V/n)^(1/3).
    public var stol: Double
    /// Angle tolerance in degrees.
    public var angleTol: Double
    /// Reduce both structures to primitive cells (pymatgen's finder, 0.25 Å) before matching.
    public var primitiveCell: Bool
    /// Scale both cells to the same volume before matching.
    public var scale: Bool
    /// Try supercells of the smaller cell when the site counts differ by an integer factor.
    public var attemptSupercell: Bool
    /// Let the smaller structure match a subset of the larger one's sites.
    public var allowSubset: Bool
    public var comparator: SiteComparator

    public init(ltol: Double = 0.2, stol: Double = 0.3, angleTol: Double = 5, primitiveCell: Bool = true,
                scale: Bool = true, attemptSupercell: Bool = false, allowSubset: Bool = false,
                comparator: SiteComparator = .species) {
        self.ltol = ltol
        self.stol = stol
        self.angleTol = angleTol
        self.primitiveCell = primitiveCell
        self.scale = scale
        self.attemptSupercell = attemptSupercell
        self.allowSubset = allowSubset
        self.comparator = comparator
    }

    /// The tolerances CDVAE and DiffCSP use for match rate and RMSE (ltol 0.3, stol 0.5, 10°).
    public static let cdvae = StructureMatcher(ltol: 0.3, stol: 0.5, angleTol: 10)

    /// Normalised displacements of the best match: rms and maximum, both divided by (V/n)^(1/3)
    /// of the volume-scaled cells (pymatgen's `get_rms_dist`).
    public struct Distance: Sendable, Hashable {
        public var rms: Double
        public var maxDistance: Double
    }

    // MARK: Public API

    /// Reduces a structure once so it can be matched many times (pymatgen's reduced-structure cache).
    public func prepare(_ s: Structure) -> PreparedStructure {
        let matchable = !s.sites.isEmpty && s.lattice.problems().isEmpty
        return PreparedStructure(original: s, reduced: matchable ? StructureReduction.reduced(s, primitive: primitiveCell) : s,
                                 compositionKey: comparator.compositionKey(s), primitiveCell: primitiveCell,
                                 matchable: matchable)
    }

    /// True when the structures match (pymatgen's `fit`). With `symmetric`, both directions must
    /// match, so `fit(a, b, symmetric: true) == fit(b, a, symmetric: true)`. A structure without
    /// sites or with a degenerate lattice (`Lattice.problems()`) matches nothing.
    public func fit(_ a: Structure, _ b: Structure, symmetric: Bool = false) -> Bool {
        if !allowSubset && comparator.compositionKey(a) != comparator.compositionKey(b) { return false }
        return fit(prepare(a), prepare(b), symmetric: symmetric)
    }

    /// `fit` on structures prepared by this matcher.
    public func fit(_ a: PreparedStructure, _ b: PreparedStructure, symmetric: Bool = false) -> Bool {
        precondition(a.primitiveCell == primitiveCell && b.primitiveCell == primitiveCell,
                     "structures were prepared with another primitive-cell setting")
        if !allowSubset && a.compositionKey != b.compositionKey { return false }
        if !a.matchable || !b.matchable { return false }
        if !quickCompatible(a.reduced, b.reduced) { return false }
        guard match(a.reduced, b.reduced, useRMS: false) != nil else { return false }
        return !symmetric || match(b.reduced, a.reduced, useRMS: false) != nil
    }

    /// Normalised rms and maximum displacement of the lowest-rms match, or nil when there is none
    /// (pymatgen's `get_rms_dist`).
    public func rmsDistance(_ a: Structure, _ b: Structure) -> Distance? {
        rmsDistance(prepare(a), prepare(b))
    }

    public func rmsDistance(_ a: PreparedStructure, _ b: PreparedStructure) -> Distance? {
        guard a.matchable, b.matchable, quickCompatible(a.reduced, b.reduced), let m = match(a.reduced, b.reduced, useRMS: true) else { return nil }
        return Distance(rms: m.value, maxDistance: m.distances.max() ?? 0)
    }

    // MARK: Core

    /// Exact pre-filter: without supercells or subsets the reduced cells must have equal site counts.
    func quickCompatible(_ a: Structure, _ b: Structure) -> Bool {
        attemptSupercell || allowSubset || a.count == b.count
    }

    struct Match {
        var value: Double
        var distances: [Double]
    }

    /// Volume scaling and supercell factor (pymatgen's `_preprocess` after reduction), then the match.
    func match(_ r1: Structure, _ r2: Structure, useRMS: Bool) -> Match? {
        var s1 = r1, s2 = r2
        var fu = 1, s1Supercell = true
        if attemptSupercell {
            let ratio = Double(s2.count) / Double(s1.count)
            if ratio < 2.0 / 3.0 {
                fu = Int((1 / ratio).rounded(.toNearestOrEven)); s1Supercell = false
            } else {
                fu = Int(ratio.rounded(.toNearestOrEven))
            }
        }
        let mult = s1Supercell ? Double(fu) : 1 / Double(fu)
        if scale {
            let ratio = pow(s2.volume / (s1.volume * mult), 1.0 / 6.0)
            s1.lattice = Lattice(s1.lattice.matrix * ratio)
            s2.lattice = Lattice(s2.lattice.matrix * (1 / ratio))
        }
        let sizeRatio = s1Supercell ? Double(fu) : 1 / Double(fu)
        if Double(s1.count) * sizeRatio >= Double(s2.count) {
            return strictMatch(s1, s2, fu: fu, s1Supercell: s1Supercell, useRMS: useRMS)
        }
        return strictMatch(s2, s1, fu: fu, s1Supercell: !s1Supercell, useRMS: useRMS)
    }

    /// Matches s2 onto s1 (which holds at least as many sites after the supercell), as pymatgen's
    /// `_strict_match`; fit stops at the first match under stol, rms searches every candidate.
    func strictMatch(_ s1: Structure, _ s2: Structure, fu: Int, s1Supercell: Bool, useRMS: Bool) -> Match? {
        let n1 = s1.count, n2 = s2.count
        let rows = s1Supercell ? n2 : n2 * fu
        let cols = s1Supercell ? n1 * fu : n1
        guard rows <= cols, rows > 0 else { return nil }
        if !allowSubset && rows != cols { return nil }

        // mask[r * cols + c] = 1 when s2 site r may not map onto s1 site c.
        var mask = [UInt8](repeating: 0, count: rows * cols)
        // Compare each distinct pair of site occupancies once.
        let (kinds1, table1) = Self.kinds(s1), (kinds2, table2) = Self.kinds(s2)
        let kindEqual = table2.map { b in table1.map { a in comparator.areEqual(a, b) } }
        var compatible = [Bool](repeating: false, count: n1 * n2)
        for i2 in 0..<n2 {
            for i1 in 0..<n1 { compatible[i2 * n1 + i1] = kindEqual[kinds2[i2]][kinds1[i1]] }
        }
        for r in 0..<rows {
            let i2 = s1Supercell ? r : r / fu
            for c in 0..<cols {
                let i1 = s1Supercell ? c / fu : c
                mask[r * cols + c] = compatible[i2 * n1 + i1] ? 0 : 1
            }
        }
        // Anchor: the s2 site with the fewest candidates; translations to each of its candidates.
        var anchor = 0, most = -1
        for r in 0..<rows {
            var sum = 0
            for c in 0..<cols { sum += Int(mask[r * cols + c]) }
            if sum > most { most = sum; anchor = r }
        }
        var targets = (0..<cols).filter { mask[anchor * cols + $0] == 0 }
        if s1Supercell && fu > 1 { targets = stride(from: 0, to: targets.count, by: fu).map { targets[$0] } }
        guard let feasible = LinearAssignment.solve(mask.map(Double.init), rows: rows, cols: cols),
              feasible.enumerated().allSatisfy({ mask[$0.offset * cols + $0.element] == 0 }) else { return nil }

        var best: Match?
        for cand in supercells(s1, s2, fu: fu, s1Supercell: s1Supercell) {
            let s1fc = cand.s1, s2fc = cand.s2
            let avg = cand.average
            let normalization = pow(Double(s1fc.count) / avg.volume, 1.0 / 3.0)
            let fracTol = avg.reciprocal.lengths * (stol / (.pi * normalization))
            var lllTol: Vec3?
            var lll: (reduced: Matrix3, mapping: Matrix3)?
            for target in targets {
                let t = s1fc[target] - s2fc[anchor]
                let shifted = s2fc.map { $0 + t }
                guard Self.isSubset(shifted, of: s1fc, tolerance: fracTol, mask: mask, cols: cols) else { continue }
                if lll == nil {
                    let reduced = LatticeSearch.lll(avg.matrix)
                    lll = reduced
                    lllTol = Lattice(reduced.reduced).reciprocal.lengths * (stol / (.pi * normalization))
                }
                guard let dist = Self.cartesianDistances(s1fc, shifted, lll: lll!, mask: mask, cols: cols,
                                                         normalization: normalization, lllTolerance: lllTol!)
                else { continue }
                let value = useRMS ? (dist.reduce(0) { $0 + $1 * $1 } / Double(dist.count)).squareRoot()
                                   : (dist.max() ?? 0)
                if best == nil || value < best!.value {
                    best = Match(value: value, distances: dist)
                    if (!useRMS || value < 1e-5) && value < stol { return best }
                }
            }
        }
        if let b = best, b.value < stol { return b }
        return nil
    }

    /// Index of each site's occupancy in a table of the distinct occupancies.
    static func kinds(_ s: Structure) -> ([Int], [[Site.SpeciesOccupancy]]) {
        var table: [[Site.SpeciesOccupancy]] = []
        var index: [[Site.SpeciesOccupancy]: Int] = [:]
        let kinds = s.sites.map { site -> Int in
            if let k = index[site.occupancy] { return k }
            index[site.occupancy] = table.count
            table.append(site.occupancy)
            return table.count - 1
        }
        return (kinds, table)
    }

    struct Candidate {
        var s1: [Vec3]
        var s2: [Vec3]
        var average: Lattice
    }

    /// Every way of expressing s1 (or its supercell) in a basis close to s2's lattice, with the
    /// average lattice distances are measured on (pymatgen's `_get_supercells`). Lazy, so a fit
    /// that succeeds early builds only the candidates it looks at.
    func supercells(_ s1: Structure, _ s2: Structure, fu: Int, s1Supercell: Bool)
        -> LazyMapSequence<[(aligned: Matrix3, scale: Matrix3)], Candidate> {
        // With s1Supercell false the supercell is built of s2 and expressed near s1's lattice.
        let (a, b) = s1Supercell ? (s1, s2) : (s2, s1)
        let maps = LatticeSearch.mappings(of: a.lattice, onto: b.lattice, ltol: ltol, angleTol: angleTol, determinant: fu)
        let fixed = b.fracCoords, cart = a.cartesianCoords, afc = a.fracCoords
        let target = b.lattice.parameters
        return maps.lazy.map { aligned, scale in
            var fc: [Vec3] = []
            if fu == 1 {
                let inv = aligned.inverse
                fc = cart.map { c -> Vec3 in let f = c * inv; return f - f.rounded(.down) }
            } else {
                let inv = scale.inverse
                let points = LatticeSearch.latticePoints(in: scale)
                fc.reserveCapacity(afc.count * points.count)
                for f in afc {
                    let g = f * inv
                    for p in points { let h = g + p; fc.append(h - h.rounded(.down)) }
                }
            }
            let p = zip(Lattice(aligned).parameters, target).map { ($0 + $1) / 2 }
            let average = Lattice(a: p[0], b: p[1], c: p[2], alpha: p[3], beta: p[4], gamma: p[5])
            return s1Supercell ? Candidate(s1: fc, s2: fixed, average: average) : Candidate(s1: fixed, s2: fc, average: average)
        }
    }

    /// pymatgen's `is_coord_subset_pbc`: every shifted s2 site lies within the per-axis fractional
    /// tolerance of some allowed s1 site.
    static func isSubset(_ sub: [Vec3], of sup: [Vec3], tolerance t: Vec3, mask: [UInt8], cols: Int) -> Bool {
        sub.withUnsafeBufferPointer { a in
            sup.withUnsafeBufferPointer { b in
                mask.withUnsafeBufferPointer { m in
                    for i in 0..<a.count {
                        var ok = false
                        for j in 0..<b.count where m[i * cols + j] == 0 {
                            let d = a[i] - b[j]
                            let w = absolute(d - d.rounded(.toNearestOrEven))
                            if w.x <= t.x && w.y <= t.y && w.z <= t.z { ok = true; break }
                        }
                        if !ok { return false }
                    }
                    return true
                }
            }
        }
    }

    /// The 27 neighbouring cell offsets in pymatgen's order.
    static let images: [Vec3] = {
        var out: [Vec3] = []
        for a in -1...1 { for b in -1...1 { for c in -1...1 { out.append(Vec3(Double(a), Double(b), Double(c))) } } }
        return out
    }()

    /// pymatgen's `_cart_dists`: shortest vectors (27 images of the LLL cell) from s2 to s1 sites,
    /// the minimum-cost assignment on squared lengths, then the mean translation removed.
    /// Returns the normalised distance of each s2 site to its partner.
    static func cartesianDistances(_ s1: [Vec3], _ s2: [Vec3], lll: (reduced: Matrix3, mapping: Matrix3), mask: [UInt8],
                                   cols: Int, normalization: Double, lllTolerance tol: Vec3) -> [Double]? {
        let toLLL = lll.mapping.inverse
        let matrix = lll.reduced
        let f1 = s2.map { $0 * toLLL }, f2 = s1.map { $0 * toLLL }
        let c1 = f1.map { ($0 - $0.rounded(.down)) * matrix }, c2 = f2.map { ($0 - $0.rounded(.down)) * matrix }
        let imageCart = images.map { $0 * matrix }
        let rows = s2.count
        var d2 = [Double](repeating: 1e20, count: rows * cols)
        var vecs = [Vec3](repeating: Vec3(repeating: 1e20), count: rows * cols)
        for i in 0..<rows {
            for j in 0..<cols where mask[i * cols + j] == 0 {
                let fd = f2[j] - f1[i]
                let w = absolute(fd - fd.rounded(.toNearestOrEven))
                if w.x > tol.x || w.y > tol.y || w.z > tol.z { continue }
                let pre = c2[j] - c1[i]
                var best = 1e100
                var bestK = 0
                for k in 0..<27 {
                    let v = pre + imageCart[k]
                    let d = dot(v, v)
                    if d < best { best = d; bestK = k }
                }
                d2[i * cols + j] = best
                vecs[i * cols + j] = pre + imageCart[bestK]
            }
        }
        guard let solution = LinearAssignment.solve(d2, rows: rows, cols: cols) else { return nil }
        let short = (0..<rows).map { vecs[$0 * cols + solution[$0]] }
        let translation = short.reduce(Vec3.zero, +) / Double(rows)
        return short.map { norm($0 - translation) * normalization }
    }
}

/// A structure reduced once (Niggli + optional primitive cell) for repeated matching.
public struct PreparedStructure: Sendable, Hashable {
    public let original: Structure
    /// The reduced cell the matcher works on.
    public let reduced: Structure
    /// The comparator's composition key (fractional composition).
    public let compositionKey: String
    let primitiveCell: Bool
    /// False for structures without sites or with a degenerate lattice; they match nothing.
    let matchable: Bool
}
