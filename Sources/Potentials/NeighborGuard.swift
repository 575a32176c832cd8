import Crystal
import Foundation

extension NeighborList {
    /// The neighbours of `s` within `cutoff` for a network pass keeping about `bytesPerEdge` bytes per
    /// directed edge. Refuses (`graphTooLarge`) from a density estimate before anything is listed and
    /// from the count afterwards, and refuses coincident atoms (`invalidStructure`).
    static func guarded(_ s: Structure, cutoff: Double, bytesPerEdge: Int, memoryLimit: Int) throws -> NeighborList {
        let sphere = 4.0 / 3.0 * Double.pi * pow(cutoff + 1, 3)
        let estimated = Double(s.count) * Double(s.count) / max(s.lattice.volume, 1e-12) * sphere
        if estimated * Double(bytesPerEdge) > Double(memoryLimit) {
            throw CalculatorError.graphTooLarge(String(format:
                "about %.3g neighbour pairs within %.1f Å (density %.3g atoms/Å³) would need %.1f GB, limit %.1f GB",
                estimated, cutoff, Double(s.count) / s.lattice.volume,
                estimated * Double(bytesPerEdge) / 1e9, Double(memoryLimit) / 1e9))
        }
        let list = NeighborList(structure: s, cutoff: cutoff)
        if let k = list.distances.firstIndex(where: { $0 < 1e-5 }) {
            throw CalculatorError.invalidStructure(String(format:
                "atoms %d and %d overlap (%.2g Å apart)", Int(list.centers[k]), Int(list.neighbors[k]), list.distances[k]))
        }
        if Double(list.count) * Double(bytesPerEdge) > Double(memoryLimit) {
            throw CalculatorError.graphTooLarge(String(format: "%d neighbour pairs within %.1f Å would need %.1f GB, limit %.1f GB",
                list.count, cutoff, Double(list.count) * Double(bytesPerEdge) / 1e9, Double(memoryLimit) / 1e9))
        }
        return list
    }
}
