import Crystal
import Foundation

/// The variation operators of evolutionary crystal-structure search (the USPEX / XtalOpt set) for a
/// fixed composition: heredity (cut-and-splice of two parents with lattice mixing), lattice strain,
/// atom permutation and coordinate perturbation. Each returns a child of the (first) parent's
/// composition whose atoms are at least `minDistance` Å apart, or nil when `attempts` tries give none.
public struct Variation: Sendable {
    /// Closest approach allowed in a child (Å).
    public var minDistance = 1.0
    /// Tries per call before giving up.
    public var attempts = 20
    /// Standard deviation of each strain component of `strained` (dimensionless).
    public var strainSigma = 0.1
    /// Largest displacement of `perturbed` (Å).
    public var displacement = 0.5

    public init() {}

    /// Cut-and-splice (Deaven–Ho heredity as USPEX and XtalOpt use it): both parents shifted by a
    /// random fractional offset, the child takes parent a's atoms on one side of a random plane
    /// normal to a lattice axis (at 30–70 % of the axis) and parent b's on the other, in the lattice
    /// w·L_a + (1 − w)·L_b (w uniform in [0.25, 0.75]). Parent a's cell composition is then
    /// restored: surplus atoms nearest the cut go, missing ones come from the unused atoms of either
    /// parent nearest the cut. The parents must have the same elements and number of sites (their
    /// compositions may differ, as in a variable-composition search).
    public func heredity(_ a: Structure, _ b: Structure, rng: inout some RandomNumberGenerator) throws -> Structure? {
        guard a.count == b.count, Set(a.elements) == Set(b.elements) else {
            throw GenerationError.invalidTarget("heredity needs parents of one chemical system and cell size, not \(a.formula) and \(b.formula)")
        }
        let needed = Dictionary(grouping: a.sites, by: \.element).mapValues(\.count)
        for _ in 0..<attempts {
            let axis = Int.random(in: 0..<3, using: &rng)
            let cut = Double.random(in: 0.3...0.7, using: &rng)
            let w = Double.random(in: 0.25...0.75, using: &rng)
            let sa = shifted(a, rng: &rng), sb = shifted(b, rng: &rng)
            func side(_ s: Site) -> Bool { s.frac[axis] < cut }
            // Distance of a site from the nearer of the two cut planes (at `cut` and at 0 ≡ 1).
            func fromCut(_ s: Site) -> Double { min(abs(s.frac[axis] - cut), s.frac[axis], 1 - s.frac[axis]) }
            var chosen = sa.sites.filter(side) + sb.sites.filter { !side($0) }
            let spare = sa.sites.filter { !side($0) } + sb.sites.filter(side)
            for (element, n) in needed {
                let have = chosen.indices.filter { chosen[$0].element == element }
                if have.count > n {
                    let drop = Set(have.sorted { fromCut(chosen[$0]) < fromCut(chosen[$1]) }.prefix(have.count - n))
                    chosen = chosen.indices.filter { !drop.contains($0) }.map { chosen[$0] }
                } else if have.count < n {
                    chosen += spare.filter { $0.element == element }.sorted { fromCut($0) > fromCut($1) }.prefix(n - have.count)
                }
            }
            guard chosen.count == a.count else { continue }
            let lattice = Lattice(a.lattice.matrix * w + b.lattice.matrix * (1 - w))
            let child = Structure(lattice: lattice, sites: chosen).wrapped
            if child.problems(minDistance: minDistance).isEmpty { return child }
        }
        return nil
    }

    /// The lattice deformed by I + ε, ε symmetric with Gaussian components of σ `strainSigma`, then
    /// scaled back to the parent's volume; fractional coordinates kept.
    public func strained(_ s: Structure, rng: inout some RandomNumberGenerator) -> Structure? {
        for _ in 0..<attempts {
            var e = [[Double]](repeating: [0, 0, 0], count: 3)
            for i in 0..<3 { for j in i..<3 { e[i][j] = rng.gaussian() * strainSigma; e[j][i] = e[i][j] } }
            let deformation = Matrix3([[1 + e[0][0], e[0][1], e[0][2]], [e[1][0], 1 + e[1][1], e[1][2]], [e[2][0], e[2][1], 1 + e[2][2]]])
            var matrix = s.lattice.matrix * deformation
            let volume = abs(matrix.determinant)
            guard volume > 1e-6 * s.volume else { continue }
            matrix = matrix * cbrt(s.volume / volume)
            let child = Structure(lattice: Lattice(matrix), sites: s.sites)
            if child.problems(minDistance: minDistance).isEmpty { return child }
        }
        return nil
    }

    /// `swaps` exchanges of the species of two sites of different elements; nil for a structure of
    /// one element (nothing to permute).
    public func permuted(_ s: Structure, swaps: Int = 1, rng: inout some RandomNumberGenerator) -> Structure? {
        guard Set(s.elements).count > 1 else { return nil }
        for _ in 0..<attempts {
            var child = s
            for _ in 0..<max(1, swaps) {
                let i = Int.random(in: 0..<s.count, using: &rng)
                let others = child.sites.indices.filter { child.sites[$0].element != child.sites[i].element }
                let j = others.randomElement(using: &rng)!
                (child.sites[i].occupancy, child.sites[j].occupancy) = (child.sites[j].occupancy, child.sites[i].occupancy)
            }
            if child.problems(minDistance: minDistance).isEmpty { return child }
        }
        return nil
    }

    /// Every atom moved by up to `displacement` Å in a random direction.
    public func perturbed(_ s: Structure, rng: inout some RandomNumberGenerator) -> Structure? {
        for _ in 0..<attempts {
            let child = s.perturbed(distance: displacement, minDistance: 0, seed: rng.next()).wrapped
            if child.problems(minDistance: minDistance).isEmpty { return child }
        }
        return nil
    }

    private func shifted(_ s: Structure, rng: inout some RandomNumberGenerator) -> Structure {
        let offset = Vec3(Double.random(in: 0..<1, using: &rng), Double.random(in: 0..<1, using: &rng), Double.random(in: 0..<1, using: &rng))
        var out = s
        for i in out.sites.indices { out.sites[i].frac += offset }
        return out.wrapped
    }
}
