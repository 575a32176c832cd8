import Crystal
import Foundation

/// CHGNet's crystal graph: the periodic atom graph (directed edges within the atom cutoff,
/// paired into undirected bonds) and the bond graph (ordered pairs of short bonds sharing a
/// centre atom, i.e. angles). It fixes the topology only; geometry is recomputed from the
/// lattice and fractional coordinates, so the same graph serves finite-difference checks.
public struct CHGNetGraph: Sendable {
    /// Number of atoms.
    public let atoms: Int
    /// Directed edge d: centre atom i, neighbour atom j and the lattice image n of j, so that
    /// the Cartesian vector neighbour→centre is (F_i − F_j − n)·L.
    public let centers: [Int32]
    public let neighbors: [Int32]
    public let images: [SIMD3<Int32>]
    /// Undirected bond of each directed edge.
    public let undirectedOfDirected: [Int32]
    /// The first directed edge of each undirected bond (whose length the bond takes).
    public let representative: [Int32]
    /// Angles t = (centre atom, left bond, left directed edge, right bond, right directed edge).
    public let angleCenters: [Int32]
    public let angleLeftBonds: [Int32]
    public let angleLeftEdges: [Int32]
    public let angleRightBonds: [Int32]
    public let angleRightEdges: [Int32]
    /// Directed edges no longer than the bond-graph cutoff.
    public let directedBondsWithinBondCutoff: Int

    public var directedEdgeCount: Int { centers.count }
    public var undirectedEdgeCount: Int { representative.count }
    public var angleCount: Int { angleCenters.count }

    /// Bytes the forward and backward pass need per directed edge and per angle (float32
    /// activations saved for the backward pass plus work space), used to refuse huge graphs.
    static let bytesPerEdge = 7_000, bytesPerAngle = 10_000

    /// Builds the graph. Throws `CalculatorError.graphTooLarge` (before allocating it) when the
    /// pass would need more than `memoryLimit` bytes, and `.invalidStructure` for coincident atoms.
    public init(structure s: Structure, atomCutoff: Double, bondCutoff: Double, memoryLimit: Int) throws {
        let n = s.count
        atoms = n
        let list = try NeighborList.guarded(s, cutoff: atomCutoff, bytesPerEdge: Self.bytesPerEdge, memoryLimit: memoryLimit)
        let e = list.count
        // Angle count from the number of short bonds per atom, checked before listing angles.
        var short = [Int](repeating: 0, count: n)
        for k in 0..<e where list.distances[k] <= bondCutoff { short[Int(list.centers[k])] += 1 }
        let angleBound = short.reduce(0) { $0 + $1 * max($1 - 1, 0) }
        let bytes = Double(e) * Double(Self.bytesPerEdge) + Double(angleBound) * Double(Self.bytesPerAngle)
        if bytes > Double(memoryLimit) {
            throw CalculatorError.graphTooLarge(String(format:
                "%d neighbour pairs within %.1f Å and about %d bond angles within %.1f Å would need %.1f GB, limit %.1f GB",
                e, atomCutoff, angleBound, bondCutoff, bytes / 1e9, Double(memoryLimit) / 1e9))
        }

        centers = list.centers
        neighbors = list.neighbors
        images = list.images

        // Pair each directed edge (i, j, n) with its reverse (j, i, −n), in order of first appearance.
        struct Key: Hashable { let i: Int32, j: Int32, image: SIMD3<Int32> }
        var pending: [Key: Int32] = [:]
        pending.reserveCapacity(e / 2 + 1)
        var undirected = [Int32](repeating: 0, count: e)
        var reps: [Int32] = []
        var partner: [Int32] = []
        reps.reserveCapacity(e / 2 + 1)
        for k in 0..<e {
            let reverse = Key(i: list.neighbors[k], j: list.centers[k], image: 0 &- list.images[k])
            if let u = pending.removeValue(forKey: reverse) {
                undirected[k] = u
                partner[Int(u)] = Int32(k)
            } else {
                let u = Int32(reps.count)
                reps.append(Int32(k))
                partner.append(-1)
                pending[Key(i: list.centers[k], j: list.neighbors[k], image: list.images[k])] = u
                undirected[k] = u
            }
        }
        undirectedOfDirected = undirected
        representative = reps

        // Edges grouped by centre (the neighbour list is sorted by centre).
        var start = [Int](repeating: 0, count: n + 1)
        for c in list.centers { start[Int(c) + 1] += 1 }
        for i in 0..<n { start[i + 1] += start[i] }
        var ac: [Int32] = [], al: [Int32] = [], ald: [Int32] = [], ar: [Int32] = [], ard: [Int32] = []
        ac.reserveCapacity(angleBound); al.reserveCapacity(angleBound); ald.reserveCapacity(angleBound)
        ar.reserveCapacity(angleBound); ard.reserveCapacity(angleBound)
        for u in 0..<reps.count where list.distances[Int(reps[u])] <= bondCutoff {
            for d in [reps[u], partner[u]] where d >= 0 {
                let c = Int(list.centers[Int(d)])
                for f in start[c]..<start[c + 1] where f != Int(d) && list.distances[f] < bondCutoff {
                    ac.append(Int32(c)); al.append(Int32(u)); ald.append(d)
                    ar.append(undirected[f]); ard.append(Int32(f))
                }
            }
        }
        angleCenters = ac; angleLeftBonds = al; angleLeftEdges = ald
        angleRightBonds = ar; angleRightEdges = ard
        directedBondsWithinBondCutoff = list.distances.filter { $0 <= bondCutoff }.count
    }
}
