import Foundation

/// pymatgen's CrystalNN (Pan et al., Inorg. Chem. 2021) with its default settings: Voronoi
/// solid-angle weights, adjusted for open structures, electronegativity difference and bond
/// length, turned into a probability for each coordination number.
///
/// Oxidation states are not used: radii are pymatgen's covalent radii (atomic radius where none),
/// as for the undecorated structures of the CDVAE benchmarks. Disordered sites are refused.
public struct CrystalNN: Sendable {
    /// Bond lengths beyond the radius sum plus `lower` lose weight smoothly, reaching 0 at `upper` (Å).
    public var distanceCutoffs: (lower: Double, upper: Double)? = (0.5, 1)
    /// Preference for neighbours with a larger electronegativity difference.
    public var electronegativityWeight = 3.0
    /// Multiplies each weight by the face's solid angle over its area (layered and porous structures).
    public var porousAdjustment = true
    /// First radius searched for Voronoi neighbours (Å); doubled while the cell is open.
    public var searchCutoff = 7.0

    public init() {}

    /// One neighbour of a site.
    public struct Neighbor: Sendable, Equatable {
        public var site: Int
        /// Lattice translation of the neighbour's image, relative to the stored coordinates.
        public var image: SIMD3<Int32>
        /// Cartesian vector from the centre to the neighbour (Å).
        public var vector: Vec3
        /// Weight in (0, 1], rounded to 3 decimals as pymatgen does.
        public var weight: Double
    }

    /// The coordination environment of one site.
    public struct Environment: Sendable {
        /// Neighbours with positive weight, highest weight first.
        public var neighbors: [Neighbor]
        /// Probability of each coordination number; CN 0 takes what the others leave.
        public var coordinationWeights: [Int: Double]

        /// The neighbours counted at coordination number `cn`: the `cn` highest weighted.
        public func neighbors(coordination cn: Int) -> ArraySlice<Neighbor> { neighbors.prefix(cn) }
        /// The most probable coordination number.
        public var coordination: Int { coordinationWeights.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? 0 }
    }

    /// A site within the search radius: index, image and vector from the centre.
    typealias Candidate = (site: Int, image: SIMD3<Int32>, vector: Vec3)

    /// Environments of every site.
    public func environments(_ s: Structure) throws -> [Environment] {
        var lists: [Double: [[Candidate]]] = [:]
        return try s.sites.indices.map { i in try environment(s, site: i, neighborLists: &lists) }
    }

    /// Environment of site `i`.
    public func environment(_ s: Structure, site i: Int) throws -> Environment {
        var lists: [Double: [[Candidate]]] = [:]
        return try environment(s, site: i, neighborLists: &lists)
    }

    func environment(_ s: Structure, site i: Int, neighborLists: inout [Double: [[Candidate]]]) throws -> Environment {
        guard s.sites.indices.contains(i) else { throw CrystalError.invalidStructure("no site \(i) in a \(s.count)-site structure") }
        guard s.isOrdered else {
            throw CrystalError.invalidStructure("CrystalNN needs an ordered structure; sites \(s.disorderedSiteIndices.prefix(5)) are disordered")
        }
        let (candidates, cell) = try voronoi(s, site: i, neighborLists: &neighborLists)
        let faces = cell.faces
        let maxAngle = faces.map(\.solidAngle).max() ?? 0
        let x1 = s.sites[i].element.electronegativity
        var scored: [(neighbor: Neighbor, order: Int)] = faces.enumerated().map { order, f in
            let (site, image, v) = candidates[f.neighbor]
            var w = f.solidAngle / maxAngle
            if porousAdjustment { w *= f.solidAngle / f.area }
            if electronegativityWeight > 0, let x1, let x2 = s.sites[site].element.electronegativity {
                w *= 1 + electronegativityWeight * (abs(x1 - x2) / 3.3).squareRoot()
            }
            return (Neighbor(site: site, image: image, vector: v, weight: w), order)
        }
        func sortByWeight() { scored.sort { ($0.neighbor.weight, -$0.order) > ($1.neighbor.weight, -$1.order) } }
        let isolated = Environment(neighbors: [], coordinationWeights: [0: 1])
        sortByWeight()
        guard let top = scored.first?.neighbor.weight, top > 0 else { return isolated }
        for k in scored.indices { scored[k].neighbor.weight /= top }
        if let (lower, upper) = distanceCutoffs {
            let r1 = try Self.radius(s.sites[i].element)
            for k in scored.indices {
                let n = scored[k].neighbor
                let diameter = try r1 + Self.radius(s.sites[n.site].element)
                let d = norm(n.vector), low = diameter + lower, high = diameter + upper
                let dw = d <= low ? 1 : d < high ? (cos((d - low) / (high - low) * .pi) + 1) * 0.5 : 0
                scored[k].neighbor.weight *= dw
            }
            sortByWeight()
            guard scored[0].neighbor.weight > 0 else { return isolated }
        }
        let neighbors = scored.map { entry -> Neighbor in
            var n = entry.neighbor
            n.weight = (n.weight * 1000).rounded(.toNearestOrEven) / 1000
            return n
        }.filter { $0.weight > 0 }
        var bins: [Double] = []
        for n in neighbors where bins.last != n.weight { bins.append(n.weight) }
        bins.append(0)
        var weights: [Int: Double] = [:]
        var total = 0.0
        for k in bins.indices.dropLast() {
            let cn = neighbors.prefix { $0.weight >= bins[k] }.count
            let w = Self.semicircleIntegral(bins[k], bins[k + 1])
            weights[cn] = w
            total += w
        }
        if 1 - total > 0 { weights[0] = 1 - total }
        return Environment(neighbors: neighbors, coordinationWeights: weights)
    }

    /// The Voronoi cell of site `i` among neighbours within the search radius, widening the radius
    /// (up to the longest cell diagonal, as pymatgen's VoronoiNN) while the cell stays open.
    func voronoi(_ s: Structure, site i: Int, neighborLists: inout [Double: [[Candidate]]])
        throws -> ([Candidate], VoronoiCell) {
        let corners = [Vec3(1, 1, 1), Vec3(-1, 1, 1), Vec3(1, -1, 1), Vec3(1, 1, -1)]
        let maxCutoff = corners.map { norm(s.lattice.cartesian($0)) }.max()! + 0.01
        var cutoff = searchCutoff
        while true {
            if neighborLists[cutoff] == nil {
                var perSite = [[Candidate]](repeating: [], count: s.count)
                let list = NeighborList(structure: s, cutoff: cutoff)
                for k in 0..<list.count {
                    perSite[Int(list.centers[k])].append((Int(list.neighbors[k]), list.images[k], list.vectors[k]))
                }
                neighborLists[cutoff] = perSite
            }
            let candidates = neighborLists[cutoff]![i]
            if let cell = VoronoiCell(neighbors: candidates.map(\.vector)), !cell.faces.isEmpty { return (candidates, cell) }
            guard cutoff < maxCutoff else {
                throw CrystalError.invalidStructure("the Voronoi cell of site \(i) is not closed by neighbours within \(cutoff) Å")
            }
            cutoff = min(cutoff * 2, maxCutoff + 0.001)
        }
    }

    /// pymatgen's CovalentRadius table where it differs from the bundled (SMACT) covalent radii.
    static let covalentRadiusOverrides: [String: Double] = ["C": 0.73, "Mn": 1.5, "Fe": 1.42, "Co": 1.38]

    /// Covalent radius, else atomic radius (pymatgen's `_get_default_radius`).
    static func radius(_ e: Element) throws -> Double {
        if let r = covalentRadiusOverrides[e.symbol] ?? e.covalentRadius ?? e.atomicRadius { return r }
        throw CrystalError.invalidStructure("CrystalNN has no covalent or atomic radius for \(e.symbol)")
    }

    /// Area under the unit quarter circle between `x2` and `x1`, over the whole quarter circle.
    static func semicircleIntegral(_ x1: Double, _ x2: Double) -> Double {
        func area(_ x: Double) -> Double { 0.5 * (x * (1 - x * x).squareRoot() + atan(x / (1 - x * x).squareRoot())) }
        let a1 = x1 == 1 ? 0.25 * .pi : area(x1)
        return (a1 - area(x2)) / (0.25 * .pi)
    }
}
