import Crystal
import Potentials

/// One displaced supercell: which atom moved, and by how much (Cartesian Å).
public struct PhononDisplacement: Sendable, Equatable {
    public var atom: Int
    public var vector: Vec3
}

extension PhononSupercell {
    /// phonopy's candidate directions, in supercell lattice coordinates.
    static let directions: [Vec3] = [
        Vec3(1, 0, 0), Vec3(0, 1, 0), Vec3(0, 0, 1), Vec3(1, 1, 0), Vec3(1, 0, 1), Vec3(0, 1, 1),
        Vec3(1, -1, 0), Vec3(1, 0, -1), Vec3(0, 1, -1), Vec3(1, 1, 1), Vec3(1, 1, -1), Vec3(1, -1, 1), Vec3(-1, 1, 1),
    ]

    /// The unit-cell atoms no operation maps to a lower-numbered one.
    var independentAtoms: [Int] {
        unitCell.sites.indices.filter { i in !operations.contains { $0.target[i].atom < i } }
    }

    /// The operations that keep unit-cell atom `a` in place, with the cell shift that undoes their translation.
    func siteSymmetry(of a: Int) -> [(op: Operation, shift: SIMD3<Int>)] {
        operations.filter { $0.target[a].atom == a }.map { ($0, $0.target[a].cell) }
    }

    /// phonopy's least displacements: for each symmetry-independent atom, the fewest directions
    /// whose images under its site symmetry span space (one, else two, else three), each also
    /// displaced the other way unless a site-symmetry operation already turns it round
    /// (phonopy's `is_plusminus="auto"`), all of length `distance` Å.
    public func displacements(distance: Double = 0.01) -> [PhononDisplacement] {
        var out: [PhononDisplacement] = []
        let lattice = structure.lattice
        let candidates = Self.directions.map { lattice.cartesian($0) }.map { $0 / norm($0) }
        for a in independentAtoms {
            let rotations = siteSymmetry(of: a).map(\.op.cartesian)
            func images(_ d: Vec3) -> [Vec3] { rotations.map { $0 * d } }
            var chosen: [Vec3]
            if let d = candidates.first(where: { Self.rank(images($0)) == 3 }) {
                chosen = [d]
            } else if let pair = candidates.lazy.filter({ Self.rank(images($0)) == 2 }).compactMap({ d in
                candidates.first { Self.rank(images(d) + [$0]) == 3 }.map { [d, $0] }
            }).first {
                chosen = pair
            } else {
                chosen = Array(candidates.prefix(3))
            }
            let atom = index(atom: a, cell: 0)
            for d in chosen {
                out.append(PhononDisplacement(atom: atom, vector: d * distance))
                if !rotations.contains(where: { norm($0 * d + d) < 1e-8 }) {
                    out.append(PhononDisplacement(atom: atom, vector: -d * distance))
                }
            }
        }
        return out
    }

    /// The supercell with one displacement applied.
    public func displaced(_ d: PhononDisplacement) -> Structure {
        var s = structure
        s.sites[d.atom].frac = s.sites[d.atom].frac + s.lattice.fractional(d.vector)
        return s
    }

    /// Rank of a set of vectors (eigenvalues of their 3×3 Gram matrix above 1e-10 of the largest).
    static func rank(_ vectors: [Vec3]) -> Int {
        var g = [Double](repeating: 0, count: 9)
        for v in vectors { for i in 0..<3 { for j in 0..<3 { g[3 * i + j] += v[i] * v[j] } } }
        let values = SymmetricEigen.decompose(g, n: 3).values
        let top = values.map(abs).max() ?? 0
        return top == 0 ? 0 : values.filter { abs($0) > 1e-10 * top }.count
    }
}
