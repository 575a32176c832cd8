import Crystal
import Foundation
import Potentials

/// Phonon frequencies from force constants: the dynamical matrix at a wave vector, with phonopy's
/// convention of the shortest supercell images (an atom pair at equal shortest distances, within the
/// symmetry tolerance, through several supercell images shares the phase among them).
public struct DynamicalMatrix: Sendable {
    public let forceConstants: ForceConstants
    /// For unit atom i and supercell atom b: the shortest vectors x_b − x_i + L (L a supercell lattice
    /// vector), in unit-cell fractional coordinates.
    let vectors: [[[Vec3]]]

    /// THz per √(eV/Å²/amu) (phonopy's VaspToTHz).
    public static let thz = (1.602176634e-19 / 1.66053906660e-27).squareRoot() / 1e-10 / (2 * Double.pi) / 1e12

    public init(_ fc: ForceConstants) {
        forceConstants = fc
        let s = fc.supercell
        let superLattice = s.structure.lattice
        let size = Vec3(Double(s.size.x), Double(s.size.y), Double(s.size.z))
        // Candidate supercell translations; images within symprec of the shortest are ties (phonopy's rule).
        var shifts: [Vec3] = []
        for a in -2...2 { for b in -2...2 { for c in -2...2 { shifts.append(Vec3(Double(a), Double(b), Double(c))) } } }
        vectors = (0..<s.unitCell.count).map { i in
            let xi = s.structure.sites[s.index(atom: i, cell: 0)].frac
            return s.structure.sites.map { site in
                let d = site.frac - xi
                let lengths = shifts.map { norm(superLattice.cartesian(d + $0)) }
                let shortest = lengths.min()!
                return zip(shifts, lengths).filter { $0.1 < shortest + s.symprec }.map { (d + $0.0) * size }
            }
        }
    }

    /// Frequencies (THz, ascending; an imaginary frequency as a negative number) at `q`, in the
    /// unit cell's reciprocal fractional coordinates, and the eigenvectors (mass-weighted, one
    /// 3n complex vector per mode: real and imaginary parts) when asked.
    public func frequencies(at q: Vec3) -> [Double] { modes(at: q, vectors: false).frequencies }

    public func modes(at q: Vec3, vectors wantVectors: Bool = true) -> (frequencies: [Double], vectors: [[(re: Double, im: Double)]]) {
        let s = forceConstants.supercell
        let n = s.unitCell.count, dim = 3 * n
        var re = [Double](repeating: 0, count: dim * dim), im = re
        let masses = s.unitCell.sites.map(\.element.mass)
        for i in 0..<n {
            for j in 0..<n {
                let scale = 1 / (masses[i] * masses[j]).squareRoot()
                for t in 0..<s.cellCount {
                    let b = s.index(atom: j, cell: t)
                    let images = vectors[i][b]
                    var c = 0.0, sn = 0.0
                    for v in images {
                        let phase = 2 * Double.pi * dot(q, v)
                        c += cos(phase); sn += sin(phase)
                    }
                    c /= Double(images.count); sn /= Double(images.count)
                    let block = forceConstants.blocks[i][b]
                    for x in 0..<3 {
                        for y in 0..<3 {
                            let f = block[x, y] * scale
                            re[(3 * i + x) * dim + 3 * j + y] += f * c
                            im[(3 * i + x) * dim + 3 * j + y] += f * sn
                        }
                    }
                }
            }
        }
        // Hermitian part, embedded as the real symmetric [[A, −B], [B, A]]: each eigenvalue twice.
        let big = 2 * dim
        var m = [Double](repeating: 0, count: big * big)
        for r in 0..<dim {
            for c in 0..<dim {
                let a = 0.5 * (re[r * dim + c] + re[c * dim + r]), b = 0.5 * (im[r * dim + c] - im[c * dim + r])
                m[r * big + c] = a; m[(r + dim) * big + c + dim] = a
                m[r * big + c + dim] = -b; m[(r + dim) * big + c] = b
            }
        }
        let (values, vecs) = SymmetricEigen.decompose(m, n: big)
        let order = values.indices.sorted { values[$0] < values[$1] }
        let picked = stride(from: 0, to: big, by: 2).map { order[$0] }
        let frequencies = picked.map { k -> Double in
            let v = values[k]
            return (v < 0 ? -1 : 1) * abs(v).squareRoot() * Self.thz
        }
        guard wantVectors else { return (frequencies, []) }
        let modes = picked.map { k in (0..<dim).map { r in (re: vecs[r * big + k], im: vecs[(r + dim) * big + k]) } }
        return (frequencies, modes)
    }
}
