import Crystal
import Foundation

/// When a relaxation is declared failed rather than merely unconverged.
public struct FailureLimits: Sendable, Equatable {
    /// Atoms closer than this (Å) mean the structure collapsed. Not applied when the start
    /// already has atoms this close; such runs end converged or not converged.
    public var minDistance = 0.5
    /// Energy (eV/atom) above the lowest energy seen so far that counts as exploding.
    public var maxEnergyRisePerAtom = 5.0
    /// Allowed range of volume relative to the start; outside it the cell has collapsed or blown up.
    public var volumeRatio: ClosedRange<Double> = 0.05...20
    public init() {}
}

/// Relaxes structures with any `Calculator` the way CHGNet's `StructOptimizer.relax` does with
/// ASE: a minimizer (FIRE by default) over the FrechetCellFilter's generalized coordinates,
/// stopping when the largest generalized force row is below `fmax` or after `maxSteps` steps.
/// Unlike ASE it also stops, reporting `failed` with the last good state, when the energy,
/// forces or stress stop being finite, the energy explodes, atoms collapse, the calculator
/// throws or the cell inverts or degenerates.
public struct Relaxer: Sendable {
    public var calculator: any Calculator
    public var minimizer: MinimizerKind = .fire()
    public var cell: CellRelaxation = .full
    /// Hydrostatic pressure (GPa).
    public var pressure = 0.0
    /// Scale of the cell coordinates; nil means the number of atoms (ASE's default).
    public var expCellFactor: Double? = nil
    /// Convergence threshold on the generalized forces (eV/Å).
    public var fmax = 0.05
    public var maxSteps = 500
    /// When set, forces and stress are symmetrized with the space-group operations spglib
    /// finds at this tolerance (Å) in the starting structure (ASE's FixSymmetry, symprec 0.01).
    public var symmetryTolerance: Double? = nil
    public var limits = FailureLimits()

    public init(calculator: any Calculator) { self.calculator = calculator }

    /// Relaxes `structure`, calling `observer` with every evaluated state (the start included).
    /// Throws only when the starting structure cannot be evaluated at all.
    public func relax(_ structure: Structure, observer: ((RelaxationFrame) -> Void)? = nil) throws -> RelaxationResult {
        let filter = FrechetCellFilter(reference: structure, cell: cell, pressure: pressure,
                                       expCellFactor: expCellFactor)
        let symmetry = try symmetryTolerance.map { try SymmetryConstraint(structure: structure, symprec: $0) }
        let n = Double(structure.count)
        var calls = 0

        func evaluate(_ x: [Double], step: Int) throws -> (RelaxationFrame, [Double]) {
            let s = filter.structure(x)
            calls += 1
            var r = try calculator.calculate(s, properties: cell == .fixed ? [.energy, .forces, .magmoms] : .all)
            if let symmetry {
                r.forces = symmetry.symmetrize(forces: r.forces, lattice: s.lattice)
                r.stress = r.stress.map { symmetry.symmetrize(stress: $0, lattice: s.lattice) }
            }
            guard r.forces.count == s.count else {
                throw CalculatorError.invalidStructure("\(calculator.name) returned \(r.forces.count) forces for \(s.count) sites")
            }
            let g = filter.forces(x, atomForces: r.forces, stress: r.stress, volume: s.volume)
            return (RelaxationFrame(step: step, structure: s, result: r, fmax: maxRowNorm(g)), g)
        }

        var x = filter.initialCoordinates
        var (frame, g) = try evaluate(x, step: 0)
        let initial = frame
        observer?(frame)
        var energies = [frame.result.energy / n]
        var steps = 0
        var outcome: RelaxationOutcome? = nonFinite(frame).map { .failed("at the start: \($0)") }
        var lowest = filter.enthalpy(energy: frame.result.energy, volume: frame.structure.volume) / n
        let checkCollapse = structure.count > 1 && !(structure.minimumDistance < limits.minDistance)
        var optimizer = minimizer.make(dimension: x.count)

        while outcome == nil {
            if frame.fmax < fmax { outcome = .converged; break }
            if steps >= maxSteps { outcome = .notConverged; break }
            var next = x
            optimizer.step(&next, forces: g)
            steps += 1
            if let why = geometryProblem(filter.structure(next), start: structure, checkCollapse: checkCollapse) {
                outcome = .failed("step \(steps): \(why)")
                break
            }
            let evaluated: (RelaxationFrame, [Double])
            do { evaluated = try evaluate(next, step: steps) } catch {
                outcome = .failed("step \(steps): \(calculator.name) failed: \(error)")
                break
            }
            if let why = nonFinite(evaluated.0) {
                outcome = .failed("step \(steps): \(why)")
                break
            }
            let h = filter.enthalpy(energy: evaluated.0.result.energy, volume: evaluated.0.structure.volume) / n
            if h > lowest + limits.maxEnergyRisePerAtom {
                outcome = .failed(String(format: "step %d: energy exploded to %.3f eV/atom, %.3f above the lowest seen",
                                         steps, h, h - lowest))
                break
            }
            lowest = min(lowest, h)
            (frame, g) = evaluated
            x = next
            energies.append(frame.result.energy / n)
            observer?(frame)
        }
        return RelaxationResult(outcome: outcome!, initial: initial, final: frame, steps: steps,
                                calculatorCalls: calls, energyPerAtomTrajectory: energies)
    }

    /// Why a calculated state is unusable (non-finite energy, forces or stress), or nil.
    private func nonFinite(_ f: RelaxationFrame) -> String? {
        if !f.result.energy.isFinite { return "energy is not finite" }
        if f.result.forces.contains(where: { !($0.x.isFinite && $0.y.isFinite && $0.z.isFinite) }) {
            return "forces are not finite"
        }
        if let s = f.result.stress, s.array.joined().contains(where: { !$0.isFinite }) { return "stress is not finite" }
        if !f.fmax.isFinite { return "generalized forces are not finite" }
        return nil
    }

    /// Why a trial structure is unphysical (inverted or degenerate cell, collapsed atoms), or nil.
    private func geometryProblem(_ s: Structure, start: Structure, checkCollapse: Bool) -> String? {
        let flat = s.lattice.matrix.array.joined() + s.sites.flatMap { [$0.frac.x, $0.frac.y, $0.frac.z] }
        if flat.contains(where: { !$0.isFinite }) { return "coordinates are not finite" }
        if (s.lattice.signedVolume > 0) != (start.lattice.signedVolume > 0) { return "the cell inverted" }
        let ratio = s.volume / start.volume
        if !limits.volumeRatio.contains(ratio) {
            return String(format: "the cell volume changed by a factor %.3g", ratio)
        }
        guard checkCollapse else { return nil }
        var closest: (Double, Int, Int)? = nil
        NeighborList.forEachPair(in: s, cutoff: limits.minDistance) { i, j, _, d in
            if d < limits.minDistance, closest == nil || d < closest!.0 { closest = (d, i, j) }
        }
        if let (d, i, j) = closest {
            return String(format: "atoms %d and %d collapsed to %.3f Å (limit %.2f Å)", i, j, d, limits.minDistance)
        }
        return nil
    }
}
