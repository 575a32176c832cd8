import Crystal
import Symmetry

/// A diagonal supercell of a unit cell for finite-displacement phonons, in phonopy's atom order
/// (all images of unit-cell atom 0, then of atom 1, …), with the unit cell's space-group operations
/// acting on its atoms.
public struct PhononSupercell: Sendable {
    public let unitCell: Structure
    /// Repetitions along a, b and c.
    public let size: SIMD3<Int>
    public let structure: Structure
    /// The cell translations, in the order of each unit-cell atom's images.
    public let translations: [SIMD3<Int>]
    /// The space-group operations of the unit cell that map the supercell onto itself.
    let operations: [Operation]
    /// The symmetry tolerance (Å), also the tolerance for equally short images (phonopy's).
    public let symprec: Double

    /// A space-group operation as it acts on the supercell: Cartesian rotation (column vectors),
    /// and where each unit-cell atom goes (unit-cell atom, cell translation).
    struct Operation {
        var rotation: Matrix3
        var cartesian: Matrix3
        var target: [(atom: Int, cell: SIMD3<Int>)]
    }

    public var cellCount: Int { translations.count }
    public var atomCount: Int { unitCell.count * cellCount }
    public func index(atom i: Int, cell t: Int) -> Int { i * cellCount + t }

    /// The supercell `size` of `unitCell`, its symmetry found with `symprec` (Å).
    public init(_ unitCell: Structure, size: SIMD3<Int>, symprec: Double = 1e-3) throws {
        guard size.min() >= 1 else { throw DynamicsError.badRequest("phonons: supercell repetitions must be ≥ 1, got \(size)") }
        guard unitCell.isOrdered, unitCell.count > 0 else { throw DynamicsError.badRequest("phonons need an ordered structure with atoms") }
        self.unitCell = unitCell
        self.size = size
        self.symprec = symprec
        var cells: [SIMD3<Int>] = []
        for a in 0..<size.x { for b in 0..<size.y { for c in 0..<size.z { cells.append(SIMD3(a, b, c)) } } }
        translations = cells
        let n = Vec3(Double(size.x), Double(size.y), Double(size.z))
        var sites: [Site] = []
        for site in unitCell.sites {
            for t in cells { sites.append(Site(site.element, (site.frac + Vec3(Double(t.x), Double(t.y), Double(t.z))) / n)) }
        }
        let m = unitCell.lattice.matrix
        structure = Structure(lattice: Lattice(Matrix3(m[0] * n.x, m[1] * n.y, m[2] * n.z)), sites: sites)

        let dataset = try SymmetryDataset(unitCell, symprec: symprec)
        let inverse = unitCell.lattice.inverse
        var operations: [Operation] = []
        for op in dataset.operations {
            // The operation must map the supercell lattice onto itself: R·diag(n) ∈ diag(n)·Z³.
            let r = op.rotation
            let compatible = (0..<3).allSatisfy { i in
                (0..<3).allSatisfy { j in
                    let v = r[i, j] * Double(size[j]) / Double(size[i])
                    return abs(v - v.rounded()) < 1e-9
                }
            }
            guard compatible else { continue }
            var target: [(atom: Int, cell: SIMD3<Int>)] = []
            for (i, site) in unitCell.sites.enumerated() {
                let y = r * site.frac + op.translation
                let match = unitCell.sites.indices.first { j in
                    guard unitCell.sites[j].element == site.element else { return false }
                    let d = y - unitCell.sites[j].frac
                    return norm(unitCell.lattice.cartesian(d - d.rounded(.toNearestOrEven))) < max(symprec, 1e-6) * 2
                }
                guard let j = match else { throw DynamicsError.badRequest("phonons: symmetry operation \(op) does not map atom \(i) onto an atom (symprec \(symprec) Å)") }
                let l = (y - unitCell.sites[j].frac).rounded(.toNearestOrEven)
                target.append((j, SIMD3(Int(l.x), Int(l.y), Int(l.z))))
            }
            // Cartesian form for column vectors: C = (M⁻¹ Rᵀ M)ᵀ, M the rows-are-vectors lattice.
            operations.append(Operation(rotation: r, cartesian: (inverse * r.transpose * m).transpose, target: target))
        }
        self.operations = operations
    }

    /// The cell translation index of `t`, wrapped into the supercell.
    func cellIndex(_ t: SIMD3<Int>) -> Int {
        let w = SIMD3((t.x % size.x + size.x) % size.x, (t.y % size.y + size.y) % size.y, (t.z % size.z + size.z) % size.z)
        return (w.x * size.y + w.y) * size.z + w.z
    }

    /// Where `op` sends each supercell atom, after an extra shift by −`shift` cells.
    func permutation(_ op: Operation, shift: SIMD3<Int> = .zero) -> [Int] {
        var p = [Int](repeating: 0, count: atomCount)
        for i in 0..<unitCell.count {
            let (j, l) = op.target[i]
            for (t, cell) in translations.enumerated() {
                let rt = op.rotation * Vec3(Double(cell.x), Double(cell.y), Double(cell.z))
                let moved = l &+ SIMD3(Int(rt.x.rounded()), Int(rt.y.rounded()), Int(rt.z.rounded())) &- shift
                p[index(atom: i, cell: t)] = index(atom: j, cell: cellIndex(moved))
            }
        }
        return p
    }

    /// The smallest diagonal supercell whose three perpendicular widths are all at least `minimumLength` Å.
    public static func size(for cell: Structure, minimumLength: Double) -> SIMD3<Int> {
        let widths = cell.lattice.interplanarSpacings
        return SIMD3((0..<3).map { max(1, Int((minimumLength / widths[$0] - 1e-9).rounded(.up))) })
    }
}

/// Why a phonon or molecular-dynamics calculation was refused or failed (the message says which).
public enum DynamicsError: Error, CustomStringConvertible {
    case badRequest(String)
    case tooLarge(String)
    case calculation(String)

    public var description: String {
        switch self {
        case .badRequest(let s), .tooLarge(let s), .calculation(let s): return s
        }
    }
}
