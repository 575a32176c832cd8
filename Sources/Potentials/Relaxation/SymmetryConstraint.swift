import CSpglib
import Crystal
import Foundation

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
        let n = structure.count
        let maxOps = 192 * max(n, 1)
        typealias Row = (Double, Double, Double)
        typealias IntMatrix = ((Int32, Int32, Int32), (Int32, Int32, Int32), (Int32, Int32, Int32))
        let m = structure.lattice.matrix
        var lattice: [Row] = (0..<3).map { i in (m[0, i], m[1, i], m[2, i]) }  // columns are a, b, c
        var positions: [Row] = structure.fracCoords.map { ($0.x, $0.y, $0.z) }
        var types = structure.atomicNumbers.map(Int32.init)
        var rot = [IntMatrix](repeating: ((0, 0, 0), (0, 0, 0), (0, 0, 0)), count: maxOps)
        var trans = [Row](repeating: (0, 0, 0), count: maxOps)
        let count = spg_get_symmetry(&rot, &trans, Int32(maxOps), &lattice, &positions, &types, Int32(n), symprec)
        guard count > 0 else {
            throw CalculatorError.invalidStructure("spglib found no symmetry operations (symprec \(symprec))")
        }
        let frac = structure.fracCoords
        var rotations: [Matrix3] = []
        var atomMap: [[Int]] = []
        for k in 0..<Int(count) {
            let r = rot[k]
            let rm = Matrix3(Vec3(Double(r.0.0), Double(r.0.1), Double(r.0.2)),
                             Vec3(Double(r.1.0), Double(r.1.1), Double(r.1.2)),
                             Vec3(Double(r.2.0), Double(r.2.1), Double(r.2.2)))
            let t = Vec3(trans[k].0, trans[k].1, trans[k].2)
            let map = frac.map { p -> Int in
                let q = rm * p + t
                var best = 0, bestDistance = Double.infinity
                for (j, f) in frac.enumerated() {
                    var d = f - q
                    d -= d.rounded(.toNearestOrEven)
                    let dd = norm(d)
                    if dd < bestDistance { best = j; bestDistance = dd }
                }
                return best
            }
            rotations.append(rm)
            atomMap.append(map)
        }
        self.rotations = rotations
        self.atomMap = atomMap
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
