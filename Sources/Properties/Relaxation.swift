import Crystal
import Potentials

/// matcalc's `RelaxCalc` defaults as a Kiln relaxer: FIRE, fmax 0.1 eV/Å, at most 500 steps,
/// FrechetCellFilter for the cell.
func matcalcRelaxer(_ calculator: any Calculator, cell: CellRelaxation, fmax: Double) -> Relaxer {
    var r = Relaxer(calculator: calculator)
    r.cell = cell
    r.fmax = fmax
    r.maxSteps = 500
    return r
}

/// Relaxes `structure` and returns the final state; throws unless the relaxation converged
/// (matcalc refuses an unconverged pre-relaxation, as the properties of an unrelaxed structure
/// mean nothing).
func relaxed(_ structure: Structure, with relaxer: Relaxer, what: String) throws -> RelaxationFrame {
    let r = try relaxer.relax(structure)
    guard r.converged else {
        throw PropertyError.relaxation(String(format: "%@ of %@: %@ after %d steps (fmax %.3g eV/Å, limit %.3g)",
                                              what, structure.formula, r.outcome.description, r.steps,
                                              r.final.fmax, relaxer.fmax))
    }
    return r.final
}
