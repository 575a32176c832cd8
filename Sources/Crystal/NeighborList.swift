import Foundation

/// All neighbours within a cutoff under periodic boundary conditions, found with a cell list.
/// Every periodic image counts (images of a site itself too); only a site at zero distance
/// from itself is left out. A neighbour counts when its distance ≤ cutoff + 1e-8 (pymatgen's rule).
public struct NeighborList: Sendable {
    /// Directed pairs: `centers[k]` sees `neighbors[k]` at `images[k]` (in lattice vectors,
    /// relative to the sites' coordinates as stored) and `distances[k]` Å; sorted by centre.
    public var centers: [Int32] = []
    public var neighbors: [Int32] = []
    public var images: [SIMD3<Int32>] = []
    public var distances: [Double] = []
    /// Cartesian vectors from centre to neighbour image.
    public var vectors: [Vec3] = []

    public var count: Int { centers.count }

    public init(structure: Structure, cutoff: Double) {
        var rows: [(Int, Int, SIMD3<Int32>, Double, Vec3)] = []
        Self.forEachPair(in: structure, cutoff: cutoff) { i, j, image, d in
            let v = structure.lattice.cartesian(structure.sites[j].frac - structure.sites[i].frac
                + Vec3(Double(image.x), Double(image.y), Double(image.z)))
            rows.append((i, j, image, d, v))
        }
        rows.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        centers = rows.map { Int32($0.0) }
        neighbors = rows.map { Int32($0.1) }
        images = rows.map { $0.2 }
        distances = rows.map { $0.3 }
        vectors = rows.map { $0.4 }
    }

    /// Number of neighbours of each site.
    public func counts(sites: Int) -> [Int] {
        var c = [Int](repeating: 0, count: sites)
        for i in centers { c[Int(i)] += 1 }
        return c
    }

    /// Largest number of bins along one axis of the cell-list grid.
    static let maxBinsPerAxis = 200

    /// Calls `body(i, j, image, distance)` for every directed pair within `cutoff`.
    public static func forEachPair(in s: Structure, cutoff: Double,
                                   _ body: (Int, Int, SIMD3<Int32>, Double) -> Void) {
        let n = s.count
        guard n > 0, cutoff > 0, cutoff.isFinite else { return }
        let lat = s.lattice
        let spacing = lat.interplanarSpacings
        let r = cutoff + 1e-8
        // Wrap sites into the cell, remembering the shift so images refer to stored coordinates.
        var wrapped = [Vec3](repeating: .zero, count: n)
        var shifts = [SIMD3<Int32>](repeating: .zero, count: n)
        for i in 0..<n {
            let f = s.sites[i].frac
            let fl = f.rounded(.down)
            wrapped[i] = f - fl
            shifts[i] = SIMD3<Int32>(Int32(fl.x), Int32(fl.y), Int32(fl.z))
        }
        // Image range: every image within r of a point inside the cell.
        let reach = (Vec3(repeating: r) / spacing).rounded(.up)
        let nx = Int32(reach.x), ny = Int32(reach.y), nz = Int32(reach.z)
        let margin = Vec3(repeating: r) / spacing
        // Cartesian bins of edge ≥ r over the region the images can occupy.
        var points: [(Vec3, Int32, SIMD3<Int32>)] = []
        points.reserveCapacity(n * Int((2 * nx + 1) * (2 * ny + 1) * (2 * nz + 1)))
        for a in -nx...nx { for b in -ny...ny { for c in -nz...nz {
            let t = Vec3(Double(a), Double(b), Double(c))
            for j in 0..<n {
                let f = wrapped[j] + t
                if any(f .< -margin) || any(f .> 1 + margin) { continue }
                points.append((lat.cartesian(f), Int32(j), SIMD3(a, b, c)))
            }
        } } }
        var lo = Vec3(repeating: .infinity), hi = Vec3(repeating: -.infinity)
        for p in points { lo = pointwiseMin(lo, p.0); hi = pointwiseMax(hi, p.0) }
        // Bins of edge ≥ r; in a large, sparse box (a molecule in vacuum, a cell of 1e20 Å) the
        // edge grows so the grid stays at most `maxBinsPerAxis`³: still correct, since a pair
        // within r always lies in neighbouring bins.
        let extent = hi - lo
        guard extent.max().isFinite else { return }  // non-finite coordinates (rejected by `Structure.problems`)
        let binSize = max(r, 1e-3, extent.max() / Double(Self.maxBinsPerAxis))
        let dims = SIMD3<Int>((extent / binSize).rounded(.down)) &+ 1
        func binIndex(_ p: Vec3) -> SIMD3<Int> {
            let b = SIMD3<Int>(((p - lo) / binSize).rounded(.down))
            return pointwiseMin(pointwiseMax(b, .zero), dims &- 1)
        }
        var head = [Int32](repeating: -1, count: dims.x * dims.y * dims.z)
        var next = [Int32](repeating: -1, count: points.count)
        for (k, p) in points.enumerated() {
            let b = binIndex(p.0)
            let flat = (b.x * dims.y + b.y) * dims.z + b.z
            next[k] = head[flat]
            head[flat] = Int32(k)
        }
        let r2 = r * r
        for i in 0..<n {
            let centre = lat.cartesian(wrapped[i])
            let b = binIndex(centre)
            for dx in -1...1 { for dy in -1...1 { for dz in -1...1 {
                let q = SIMD3<Int>(b.x + dx, b.y + dy, b.z + dz)
                if any(q .< .zero) || any(q .>= dims) { continue }
                var k = head[(q.x * dims.y + q.y) * dims.z + q.z]
                while k >= 0 {
                    let p = points[Int(k)]
                    let d = p.0 - centre
                    let d2 = dot(d, d)
                    if d2 <= r2 {
                        let dist = d2.squareRoot()
                        let j = Int(p.1)
                        if !(j == i && dist < 1e-8) {
                            // image relative to the stored (unwrapped) coordinates
                            body(i, j, p.2 &- shifts[j] &+ shifts[i], dist)
                        }
                    }
                    k = next[Int(k)]
                }
            } } }
        }
    }
}
