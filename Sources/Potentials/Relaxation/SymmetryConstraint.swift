import Crystal
import Foundation
import Symmetry

/// Symmetrizes forces and stress over the space group of a starting structure, so a relaxation
/// keeps that symmetry (ASE's FixSymmetry: spglib's operations, forces averaged over the
/// operations with each atom sent to its image, stress averaged as a rank-2 tensor).
public struct SymmetryConstraint: Sendable {
    /// Rotations acting on fractional column vectors (x' = R·x + t), as rows.
    public let rotations: [Matrix3]
    /// `atomMap[k][i]`: the atom that operation k sends atom i to.
    public let atomMap: [[Int]]

    /// The operations spglib finds in `structure` at tolerance `symprec` (Å).
    public init(structure: Structure, symprec: Double) throws {
        let operations = try SymmetryDataset(structure, symprec: symprec).operations
        let frac = structure.fracCoords
        rotations = operations.map(\.rotation)
        atomMap = operations.map { op in
            frac.map { p -> Int in
                let q = op.apply(p)
                var best = 0, bestDistance = Double.infinity
                for (j, f) in frac.enumerated() {
                    var d = f - q
                    d -= d.rounded(.toNearestOrEven)
                    if norm(d) < bestDistance { best = j; bestDistance = norm(d) }
                }
                return best
            }
        }
    }

    /// Forces averaged over the operations (Cartesian, eV/Å) for a structure with `lattice`.
    public func symmetrize(forces: [Vec3], lattice: Lattice) -> [Vec3] {
        let l = lattice.matrix
        let fracForces = forces.map { l.inverse.transpose * $0 }
        var out = [Vec3](repeating: .zero, count: forces.count)
        for (r, map) in zip(rotations, atomMap) {
            for i in forces.indices { out[map[i]] += r * fracForces[i] }
        }
        let scale = 1 / Double(rotations.count)
        return out.map { l.transpose * ($0 * scale) }
    }

    /// Stress averaged over the operations as a rank-2 tensor.
    public func symmetrize(stress: Matrix3, lattice: Lattice) -> Matrix3 {
        let l = lattice.matrix
        let scaled = l * stress * l.transpose
        var sum = Matrix3(.zero, .zero, .zero)
        for r in rotations { sum = sum + r.transpose * scaled * r }
        return lattice.inverse * (sum * (1 / Double(rotations.count))) * lattice.inverse.transpose
    }
}
