import Foundation

/// A periodic crystal structure: a lattice and its sites (pymatgen's Structure).
public struct Structure: Hashable, Sendable {
    public var lattice: Lattice
    public var sites: [Site]

    public init(lattice: Lattice, sites: [Site]) {
        self.lattice = lattice
        self.sites = sites
    }

    /// Ordered structure from elements and fractional coordinates.
    /// The same crystal on a right-handed basis: a left-handed lattice L becomes −L and every
    /// fractional coordinate changes sign, so Cartesian positions are unchanged (a right-handed
    /// structure is returned as it is). Calculators follow their reference implementations in
    /// taking the signed cell volume, so a left-handed cell would flip the sign of the stress.
    public func rightHanded() -> Structure {
        guard lattice.signedVolume < 0 else { return self }
        var s = Structure(lattice: Lattice(lattice.matrix * -1), sites: sites)
        for i in s.sites.indices { s.sites[i].frac = -s.sites[i].frac }
        return s
    }

    public init(lattice: Lattice, species: [Element], fracCoords: [Vec3]) {
        precondition(species.count == fracCoords.count, "one species per coordinate")
        self.init(lattice: lattice, sites: zip(species, fracCoords).map { Site($0, $1) })
    }

    public var count: Int { sites.count }
    public var fracCoords: [Vec3] { sites.map(\.frac) }
    public var cartesianCoords: [Vec3] { sites.map { lattice.cartesian($0.frac) } }
    /// Majority species' element of every site.
    public var elements: [Element] { sites.map(\.element) }
    public var atomicNumbers: [Int] { sites.map(\.element.z) }
    /// True when every site is fully occupied by one species.
    public var isOrdered: Bool { sites.allSatisfy(\.isOrdered) }
    /// Sites with partial or mixed occupancy.
    public var disorderedSiteIndices: [Int] { sites.indices.filter { !sites[$0].isOrdered } }

    public var composition: Composition {
        var pairs: [(Element, Double)] = []
        for s in sites { for o in s.occupancy { pairs.append((o.species.element, o.occupancy)) } }
        return Composition(pairs)
    }
    public var formula: String { composition.formula }
    public var reducedFormula: String { composition.reducedFormula }
    public var volume: Double { lattice.volume }
    public var volumePerAtom: Double { volume / Double(count) }
    /// Density in g/cm³.
    public var density: Double { composition.weight * 1.66053906660 / volume }

    /// Distance between sites i and j under periodic boundary conditions (minimum image).
    public func distance(_ i: Int, _ j: Int) -> Double {
        lattice.minimumImageDistance(sites[i].frac, sites[j].frac)
    }

    /// All minimum-image distances (n×n, zero diagonal).
    public var distanceMatrix: [[Double]] {
        (0..<count).map { i in (0..<count).map { j in i == j ? 0 : distance(i, j) } }
    }

    /// Copy with every fractional coordinate wrapped into [0, 1).
    public var wrapped: Structure {
        var s = self
        for i in s.sites.indices {
            var f = s.sites[i].frac
            f -= f.rounded(.down)
            f.replace(with: Vec3(repeating: 0), where: f .>= 1)
            s.sites[i].frac = f
        }
        return s
    }

    /// Sites sorted by the electronegativity of their species (pymatgen's `get_sorted_structure`).
    public func sorted() -> Structure {
        sorted { $0.species.element.sortingElectronegativity < $1.species.element.sortingElectronegativity }
    }

    /// Sites sorted stably by a predicate.
    public func sorted(by less: (Site, Site) -> Bool) -> Structure {
        let order = sites.indices.sorted { less(sites[$0], sites[$1]) || (!less(sites[$1], sites[$0]) && $0 < $1) }
        return Structure(lattice: lattice, sites: order.map { sites[$0] })
    }

    /// Supercell given by an integer matrix M (new lattice = M · lattice).
    public func supercell(_ m: Matrix3) throws -> Structure {
        let det = m.determinant
        guard abs(det - det.rounded()) < 1e-8, abs(det) >= 1 else {
            throw CrystalError.invalidStructure("supercell matrix must be integer with |det| ≥ 1")
        }
        let newLattice = Lattice(m * lattice.matrix)
        let inv = m.inverse
        // Bounding box of the supercell's corners in the old fractional frame.
        var lo = Vec3(repeating: 0), hi = Vec3(repeating: 0)
        for c in 0..<8 {
            let corner = Vec3(Double(c & 1), Double((c >> 1) & 1), Double((c >> 2) & 1)) * m
            lo = pointwiseMin(lo, corner); hi = pointwiseMax(hi, corner)
        }
        var out: [Site] = []
        let tol = 1e-8
        for i in Int(lo.x.rounded(.down))...Int(hi.x.rounded(.up)) {
            for j in Int(lo.y.rounded(.down))...Int(hi.y.rounded(.up)) {
                for k in Int(lo.z.rounded(.down))...Int(hi.z.rounded(.up)) {
                    let t = Vec3(Double(i), Double(j), Double(k))
                    for site in sites {
                        // Wrapped to [−tol, 1 − tol): a site a hair below a cell face (1 − 1e-12) counts
                        // as on it, the image the translations reach.
                        var f = site.frac - site.frac.rounded(.down)
                        f.replace(with: f - 1, where: f .>= 1 - tol)
                        f = (f + t) * inv
                        if f.min() >= -tol && f.max() < 1 - tol {
                            f.replace(with: Vec3(repeating: 0), where: f .< 0)
                            var s = site
                            s.frac = f
                            out.append(s)
                        }
                    }
                }
            }
        }
        return Structure(lattice: newLattice, sites: out)
    }

    /// Supercell repeating the cell na × nb × nc times.
    public func supercell(_ na: Int, _ nb: Int, _ nc: Int) throws -> Structure {
        try supercell(Matrix3(Vec3(Double(na), 0, 0), Vec3(0, Double(nb), 0), Vec3(0, 0, Double(nc))))
    }

    /// Copy with every site displaced by `distance` Å in a random direction
    /// (uniformly between `minDistance` and `distance` when given).
    public func perturbed(distance: Double, minDistance: Double? = nil, seed: UInt64) -> Structure {
        var rng = SeededGenerator(seed: seed)
        var s = self
        for i in s.sites.indices {
            var v: Vec3
            repeat {
                v = Vec3(Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng),
                         Double.random(in: -1...1, using: &rng))
            } while norm(v) < 1e-6 || norm(v) > 1
            let length = minDistance.map { Double.random(in: $0...distance, using: &rng) } ?? distance
            let cart = lattice.cartesian(s.sites[i].frac) + v / norm(v) * length
            s.sites[i].frac = lattice.fractional(cart)
        }
        return s
    }

    /// Copy where sites closer than `tolerance` Å with the same species are merged into one
    /// (coordinates averaged over the minimum image); mixed-species clashes are kept.
    public func mergingSites(tolerance: Double = 0.01) -> Structure {
        var kept: [Site] = []
        var counts: [Int] = []
        outer: for site in sites {
            for k in kept.indices where kept[k].occupancy == site.occupancy {
                let (d, image) = lattice.minimumImage(site.frac - kept[k].frac)
                if d < tolerance {
                    let shifted = site.frac + Vec3(Double(image.x), Double(image.y), Double(image.z))
                    kept[k].frac = (kept[k].frac * Double(counts[k]) + shifted) / Double(counts[k] + 1)
                    counts[k] += 1
                    continue outer
                }
            }
            kept.append(site)
            counts.append(1)
        }
        return Structure(lattice: lattice, sites: kept)
    }
}

/// A small deterministic random generator (SplitMix64) so seeded runs reproduce exactly.
/// `state` is the whole state: `SeededGenerator(seed: g.state)` continues where `g` is (resumable runs).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RandomNumberGenerator {
    /// A standard normal deviate (Box–Muller, one of the pair).
    public mutating func gaussian() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self), v = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
