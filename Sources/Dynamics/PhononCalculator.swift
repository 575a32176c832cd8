import Crystal
import Foundation
import KilnSupport
import Potentials

/// Phonons by finite displacements with any calculator (phonopy's method): a diagonal supercell,
/// phonopy's symmetry-reduced displacements, force constants solved with the site symmetry and
/// symmetrised (permutation, acoustic sum rule), frequencies at Γ, along a band path and on a mesh,
/// and a dynamic-stability verdict.
///
/// Phonons are defined at a minimum of the potential: with `relaxFirst` the structure is relaxed
/// (cell and ions, its space group kept, fmax `relaxFmax`) with the same calculator. The forces of the
/// undisplaced supercell are subtracted (what phonopy's `--fz` does), which removes the first-order
/// error of a slightly unrelaxed structure but not the physics of a strained one.
public struct PhononCalculator: Sendable {
    public var calculator: any Calculator
    /// Displacement length (Å; phonopy's default).
    public var distance = 0.01
    /// The supercell: the smallest diagonal one whose perpendicular widths reach `minimumLength` Å,
    /// unless `size` is given.
    public var minimumLength = 10.0
    public var size: SIMD3<Int>?
    /// Symmetry tolerance (Å).
    public var symprec = 1e-3
    /// Refusal limits: supercell atoms, and the estimated wall time of all force calculations (s),
    /// estimated from the undisplaced supercell's calculation.
    public var maximumAtoms = 500
    public var timeLimit = 1800.0
    /// Imaginary frequencies smaller than this (THz) are numerical noise, not instability: finite
    /// differences of float32 forces leave |ν| of a few hundredths of a THz in the acoustic branches
    /// near Γ (docs/phonons.md).
    public var tolerance = PhononCalculator.defaultTolerance
    public static let defaultTolerance = 0.1
    /// Points per band-path segment.
    public var pathPoints = 21
    public var relaxFirst = true
    public var relaxFmax = 1e-3

    public init(calculator: any Calculator) { self.calculator = calculator }

    /// A wave vector with its frequencies.
    public struct Point: Sendable, Codable, Equatable {
        /// Reduced coordinates in the unit cell's reciprocal lattice.
        public var q: [Double]
        /// Distance along the band path (Å⁻¹, 2π included); 0 on a mesh.
        public var distance: Double
        public var label: String?
        public var frequencies: [Double]
    }

    public struct Result: Sendable {
        public var formula: String
        /// The structure the phonons belong to (relaxed when `relaxFirst`).
        public var structure: Structure
        public var supercell: [Int]
        public var supercellAtoms: Int
        public var displacements: Int
        /// Frequencies at Γ (THz, imaginary as negative).
        public var gamma: [Double]
        public var path: [Point]
        public var mesh: [Int]
        /// The lowest frequency on the mesh and the path, and where (the acoustic branches near Γ
        /// left out, `nearGamma`).
        public var minimumFrequency: Double
        public var minimumAt: [Double]
        /// No frequency below −tolerance on the mesh or the path (acoustic branches near Γ aside).
        public var dynamicallyStable: Bool
        public var tolerance: Double
        public var seconds: Double
        /// Frequencies at any other wave vector.
        public var dynamicalMatrix: DynamicalMatrix
    }

    /// The supercell this calculator would use for `structure`, checked against `maximumAtoms`.
    public func supercell(for structure: Structure) throws -> PhononSupercell {
        try PhononSupercell(structure, size: supercellSize(for: structure), symprec: symprec)
    }

    /// The supercell's repeats for `structure`; a supercell of more than `maximumAtoms` is refused.
    func supercellSize(for structure: Structure) throws -> SIMD3<Int> {
        let size = self.size ?? PhononSupercell.size(for: structure, minimumLength: minimumLength)
        let atoms = structure.count * size.x * size.y * size.z
        guard atoms <= maximumAtoms else {
            throw DynamicsError.tooLarge("phonons refused: a \(size.x)×\(size.y)×\(size.z) supercell of \(structure.formula) has \(atoms) atoms (limit \(maximumAtoms))")
        }
        return size
    }

    public func calculate(_ input: Structure) throws -> Result {
        let start = Date()
        _ = try supercellSize(for: input)  // refuse a too-large supercell before spending a relaxation on it
        let structure = relaxFirst ? try relaxed(input) : input
        let supercell = try self.supercell(for: structure)
        let displacements = supercell.displacements(distance: distance)
        let t0 = Date()
        let reference = try forces(supercell.structure)
        let each = max(Date().timeIntervalSince(t0), 1e-3)
        let estimate = each * Double(displacements.count) / Double(max(1, min(WorkQueue.workers, displacements.count)))
        guard estimate <= timeLimit else {
            throw DynamicsError.tooLarge(String(format: "phonons refused: %d displaced %d-atom supercells of %@ would take about %.0f s with %@ (limit %.0f s)",
                                              displacements.count, supercell.atomCount, structure.formula, estimate, calculator.name, timeLimit))
        }
        let forces = try WorkQueue.map(displacements.count) { (k: Int) throws(DynamicsError) -> [Vec3] in
            do { return try self.forces(supercell.displaced(displacements[k])) } catch let e as DynamicsError { throw e } catch {
                throw DynamicsError.calculation("phonons: \(calculator.name) failed on displacement \(k + 1): \(error)")
            }
        }
        let fc = try ForceConstants(supercell: supercell, displacements: displacements, forces: forces, reference: reference)
        let dm = DynamicalMatrix(fc)
        let path = bandPath(structure).map { p in Point(q: [p.q.x, p.q.y, p.q.z], distance: p.distance, label: p.label, frequencies: dm.frequencies(at: p.q)) }
        let mesh = SIMD3((0..<3).map { max(4, 2 * supercell.size[$0]) })
        var lowest = (frequency: Double.infinity, q: Vec3.zero)
        func consider(_ q: Vec3, _ frequencies: [Double]) {
            let counted = Self.nearGamma(q, size: supercell.size) ? frequencies.dropFirst(3) : frequencies[...]
            if let f = counted.min(), f < lowest.frequency { lowest = (f, q) }
        }
        for a in 0..<mesh.x {
            for b in 0..<mesh.y {
                for c in 0..<mesh.z {
                    let q = Vec3(Double(a) / Double(mesh.x), Double(b) / Double(mesh.y), Double(c) / Double(mesh.z))
                    consider(q, dm.frequencies(at: q))
                }
            }
        }
        for p in path { consider(Vec3(p.q[0], p.q[1], p.q[2]), p.frequencies) }
        return Result(formula: structure.formula, structure: structure, supercell: [supercell.size.x, supercell.size.y, supercell.size.z],
                      supercellAtoms: supercell.atomCount, displacements: displacements.count, gamma: dm.frequencies(at: .zero),
                      path: path, mesh: [mesh.x, mesh.y, mesh.z], minimumFrequency: lowest.frequency,
                      minimumAt: [lowest.q.x, lowest.q.y, lowest.q.z], dynamicallyStable: lowest.frequency >= -tolerance,
                      tolerance: tolerance, seconds: Date().timeIntervalSince(start), dynamicalMatrix: dm)
    }

    /// Within 0.1 (reduced coordinates, each axis) of Γ, where the acoustic branches are left out of
    /// the verdict: there the displacements' noise and the missing rotational sum rule make the
    /// flexural branch of layered cells dip below zero (a long-wavelength elastic instability is
    /// the Born criteria's to find, `kiln predict --property elastic_tensor`). An axis along which
    /// the supercell has one cell holds no dispersion (a slab's vacuum direction) and is not looked at.
    static func nearGamma(_ q: Vec3, size: SIMD3<Int>) -> Bool {
        let wrapped = q - q.rounded(.toNearestOrEven)
        return (0..<3).allSatisfy { size[$0] == 1 || abs(wrapped[$0]) < 0.1 - 1e-9 }
    }

    private func relaxed(_ s: Structure) throws -> Structure {
        var relaxer = Relaxer(calculator: calculator)
        (relaxer.fmax, relaxer.maxSteps, relaxer.symmetryTolerance) = (relaxFmax, 3000, symprec)
        let r = try relaxer.relax(s)
        guard r.converged else {
            throw DynamicsError.calculation(String(format: "phonons: the relaxation of %@ before them did not converge (%@ after %d steps, fmax %.2g eV/Å)",
                                                 s.formula, r.outcome.description, r.steps, r.final.fmax))
        }
        return r.final.structure
    }

    private func forces(_ s: Structure) throws -> [Vec3] {
        let r = try calculator.calculate(s, properties: .forces)
        guard r.forces.count == s.count, r.forces.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            throw DynamicsError.calculation("phonons: \(calculator.name) returned no finite forces for a \(s.count)-atom supercell")
        }
        return r.forces
    }

    /// Γ → X → S → Y → Γ → Z → R, the zone-boundary points of the unit cell's reciprocal axes
    /// (X = ½a*, Y = ½b*, Z = ½c*, S = X + Y, R = X + Y + Z), `pathPoints` per segment. A path every
    /// cell has; not the Setyawan–Curtarolo path of its Bravais lattice.
    func bandPath(_ s: Structure) -> [(q: Vec3, distance: Double, label: String?)] {
        let corners: [(String, Vec3)] = [("Γ", .zero), ("X", Vec3(0.5, 0, 0)), ("S", Vec3(0.5, 0.5, 0)), ("Y", Vec3(0, 0.5, 0)),
                                          ("Γ", .zero), ("Z", Vec3(0, 0, 0.5)), ("R", Vec3(0.5, 0.5, 0.5))]
        let reciprocal = s.lattice.reciprocal
        var out: [(q: Vec3, distance: Double, label: String?)] = [(.zero, 0, "Γ")]
        var travelled = 0.0
        for k in 1..<corners.count {
            let (from, to) = (corners[k - 1].1, corners[k].1)
            let length = norm(reciprocal.cartesian(to - from))
            for p in 1...max(1, pathPoints - 1) {
                let f = Double(p) / Double(max(1, pathPoints - 1))
                out.append((from + (to - from) * f, travelled + length * f, p == pathPoints - 1 ? corners[k].0 : nil))
            }
            travelled += length
        }
        return out
    }
}
