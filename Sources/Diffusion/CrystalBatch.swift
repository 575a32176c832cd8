import Foundation

/// Crystals side by side, as the denoiser sees them: the atoms of every crystal in one list, and
/// every ordered pair of atoms of the same crystal (self pairs included) as an edge (DiffCSP's
/// fully connected graph: no cut-off, so the lattice can be anything while it is noisy).
struct CrystalBatch: Sendable {
    /// Atoms per crystal.
    let counts: [Int]
    /// Crystal of each atom.
    let graph: [Int]
    /// Edge i → j as (source i, target j), and the crystal of each edge.
    let source: [Int], target: [Int], edgeGraph: [Int]

    init(counts: [Int]) {
        self.counts = counts
        var graph: [Int] = [], source: [Int] = [], target: [Int] = [], edgeGraph: [Int] = []
        var offset = 0
        for (b, n) in counts.enumerated() {
            graph += [Int](repeating: b, count: n)
            for i in 0..<n {
                for j in 0..<n {
                    source.append(offset + i)
                    target.append(offset + j)
                    edgeGraph.append(b)
                }
            }
            offset += n
        }
        (self.graph, self.source, self.target, self.edgeGraph) = (graph, source, target, edgeGraph)
    }

    var crystals: Int { counts.count }
    var atoms: Int { graph.count }
}
