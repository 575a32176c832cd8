import Crystal

/// Harmonic force constants Φ(i, b) = ∂²E/∂u_i∂u_b (eV/Å²) between each unit-cell atom i (its image
/// in cell 0) and every supercell atom b: phonopy's compact form.
public struct ForceConstants: Sendable {
    public let supercell: PhononSupercell
    /// `blocks[i][b]`, row index the Cartesian component at i, column at b.
    public var blocks: [[Matrix3]]

    /// Solves the force constants from the forces of `displacements` (phonopy's method): for each
    /// symmetry-independent atom, its displacements and the forces they cause are turned by its site
    /// symmetry, Φ is the least-squares solution of F = −Φ·u, and the other atoms' constants follow by
    /// the space group. `reference` (the forces of the undisplaced supercell) is subtracted when given.
    /// The result is then symmetrised (acoustic sum rule, index permutation).
    public init(supercell: PhononSupercell, displacements: [PhononDisplacement], forces: [[Vec3]], reference: [Vec3]? = nil) throws {
        guard forces.count == displacements.count, forces.allSatisfy({ $0.count == supercell.atomCount }) else {
            throw DynamicsError.badRequest("phonons: one set of \(supercell.atomCount) forces per displacement is needed")
        }
        self.supercell = supercell
        let n = supercell.unitCell.count, atoms = supercell.atomCount
        var solved = [[Matrix3]?](repeating: nil, count: n)
        for a in supercell.independentAtoms {
            let atom = supercell.index(atom: a, cell: 0)
            let mine = displacements.indices.filter { displacements[$0].atom == atom }
            guard !mine.isEmpty else { throw DynamicsError.badRequest("phonons: no displacement of independent atom \(a)") }
            // Columns: every site-symmetry image of every displacement of a.
            var u: [Vec3] = []
            var images: [(rotation: Matrix3, inverse: [Int], forces: [Vec3])] = []
            for (op, shift) in supercell.siteSymmetry(of: a) {
                let p = supercell.permutation(op, shift: shift)
                var inverse = [Int](repeating: 0, count: atoms)
                for (from, to) in p.enumerated() { inverse[to] = from }
                for k in mine {
                    u.append(op.cartesian * displacements[k].vector)
                    let f = reference.map { ref in zip(forces[k], ref).map { $0 - $1 } } ?? forces[k]
                    images.append((op.cartesian, inverse, f))
                }
            }
            // Φ(b, a) = −G·Uᵀ(U·Uᵀ)⁻¹ with U = [u…], G = [C·F(π⁻¹b)…].
            var uut = Matrix3(.zero, .zero, .zero)
            for v in u { uut = uut + outer(v, v) }
            guard abs(uut.determinant) > 1e-30 else { throw DynamicsError.calculation("phonons: the displacements of atom \(a) do not span space") }
            let pseudo = uut.inverse
            var column = [Matrix3](repeating: Matrix3(.zero, .zero, .zero), count: atoms)
            for b in 0..<atoms {
                var g = Matrix3(.zero, .zero, .zero)
                for (k, image) in images.enumerated() { g = g + outer(image.rotation * image.forces[image.inverse[b]], u[k]) }
                column[b] = (g * pseudo) * -1
            }
            // Stored by the first index: Φ(a, b) = Φ(b, a)ᵀ.
            solved[a] = column.map(\.transpose)
        }
        // Atoms related to an independent one by an operation g: Φ(g·a, g·b) = C·Φ(a, b)·Cᵀ.
        for i in 0..<n where solved[i] == nil {
            guard let (op, a) = supercell.operations.lazy.compactMap({ op -> (PhononSupercell.Operation, Int)? in
                supercell.independentAtoms.first { op.target[$0].atom == i }.map { (op, $0) }
            }).first, let source = solved[a] else {
                throw DynamicsError.calculation("phonons: atom \(i) is not related to an independent atom")
            }
            let p = supercell.permutation(op, shift: op.target[a].cell)
            var row = [Matrix3](repeating: Matrix3(.zero, .zero, .zero), count: atoms)
            let c = op.cartesian, ct = c.transpose
            for b in 0..<atoms { row[p[b]] = c * source[b] * ct }
            solved[i] = row
        }
        blocks = solved.map { $0! }
        symmetrize()
    }

    /// The acoustic sum rule in both indices (Σ_b Φ(a, b) = 0 and Σ_a Φ(a, b) = 0: the full matrix
    /// double-centred, each block's row and column means removed and the grand mean added back),
    /// then index permutation symmetry Φ(i, (j, T)) = Φ(j, (i, −T))ᵀ by averaging. The average of a
    /// double-centred matrix and its transpose is double-centred, so both hold exactly at the end,
    /// as after phonopy's `symmetrize_force_constants`.
    mutating func symmetrize() {
        let s = supercell, n = s.unitCell.count
        let zero = Matrix3(.zero, .zero, .zero)
        let atoms = Double(s.atomCount)
        // Row sums are per unit atom i; column sums, by translation, per unit atom j of the column.
        let rows = blocks.map { $0.reduce(zero, +) }
        var columns = [Matrix3](repeating: zero, count: n)
        for i in 0..<n { for j in 0..<n { for t in 0..<s.cellCount { columns[j] = columns[j] + blocks[i][s.index(atom: j, cell: t)] } } }
        let grand = rows.reduce(zero, +) * Double(s.cellCount)
        var centred = blocks
        for i in 0..<n {
            for j in 0..<n {
                let shift = (rows[i] + columns[j]) * (1 / atoms) - grand * (1 / (atoms * atoms))
                for t in 0..<s.cellCount { centred[i][s.index(atom: j, cell: t)] = centred[i][s.index(atom: j, cell: t)] - shift }
            }
        }
        var out = centred
        for i in 0..<n {
            for j in 0..<n {
                for (t, cell) in s.translations.enumerated() {
                    let mirror = centred[j][s.index(atom: i, cell: s.cellIndex(.zero &- cell))].transpose
                    out[i][s.index(atom: j, cell: t)] = (centred[i][s.index(atom: j, cell: t)] + mirror) * 0.5
                }
            }
        }
        blocks = out
    }
}

/// The outer product a·bᵀ.
@inlinable func outer(_ a: Vec3, _ b: Vec3) -> Matrix3 { Matrix3(a * b.x, a * b.y, a * b.z).transpose }
