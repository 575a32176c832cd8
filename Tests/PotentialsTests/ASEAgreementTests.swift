import Crystal
import Foundation
import Potentials
import XCTest

/// Step-for-step agreement with ASE 3.29 on a deterministic case: FIRE, BFGS and LBFGS over
/// FrechetCellFilter with ASE's LennardJones(epsilon=1, sigma=2, rc=2.7, smooth=False), fmax 0.01,
/// with and without 5 GPa pressure. Reference numbers from the script in the comment below.
///
///     at = Atoms('Ar4', scaled_positions=frac, cell=cell, pbc=True)
///     at.calc = LennardJones(epsilon=1.0, sigma=2.0, rc=2.7, smooth=False)
///     opt(FrechetCellFilter(at, scalar_pressure=p / 160.21766208), logfile=None).run(fmax=0.01, steps=500)
final class ASEAgreementTests: XCTestCase {
    struct Reference { var kind: MinimizerKind; var pressure: Double; var steps: Int; var energy: Double; var cell: [Double] }
    let references = [
        Reference(kind: .fire(), pressure: 0, steps: 53, energy: -2.690261625855598,
                  cell: [3.1743380194838218, 3.1749445681443853, 3.174751028614844, 90.00044456009844, 90.00000725487199, 89.99987169081265]),
        Reference(kind: .fire(), pressure: 5, steps: 53, energy: -2.6896046030358636,
                  cell: [3.168957031265145, 3.169566720061311, 3.1693679840860995, 90.00006607716384, 89.99999597796821, 90.00000923425154]),
        Reference(kind: .bfgs(), pressure: 0, steps: 11, energy: -2.6902621815878556,
                  cell: [3.174725556157291, 3.174727599787659, 3.1749349914866505, 90.0023904938597, 90.0009917297325, 90.0019714956563]),
        Reference(kind: .bfgs(), pressure: 5, steps: 10, energy: -2.6896437786678105,
                  cell: [3.169325292327496, 3.1694257682105578, 3.1696399780377407, 90.00275891993343, 90.00146106986146, 90.0033204803696]),
        Reference(kind: .lbfgs(), pressure: 0, steps: 11, energy: -2.6902621815878556,
                  cell: [3.1747255561572825, 3.1747275997876545, 3.1749349914866505, 90.00239049385964, 90.00099172973236, 90.0019714956563]),
        Reference(kind: .lbfgs(), pressure: 5, steps: 10, energy: -2.6896437786678105,
                  cell: [3.1693252923274984, 3.169425768210565, 3.1696399780377247, 90.00275891993358, 90.00146106986143, 90.00332048036975]),
    ]

    func testMatchesASEStepForStep() throws {
        let strain = Matrix3(Vec3(1.02, 0.01, 0), Vec3(0.01, 0.99, -0.015), Vec3(0, -0.015, 1.0))
        let frac = [Vec3(0.01, -0.005, 0.002), Vec3(0.5, 0.512, -0.01), Vec3(0.493, 0.003, 0.504), Vec3(0.005, 0.5, 0.492)]
        let start = Structure(lattice: Lattice(Matrix3.identity * 3.2 * strain),
                              species: Array(repeating: try Element("Ar"), count: 4), fracCoords: frac)
        var failures: [String] = []
        for ref in references {
            var relaxer = Relaxer(calculator: LennardJones())
            relaxer.minimizer = ref.kind
            relaxer.pressure = ref.pressure
            relaxer.fmax = 0.01
            let r = try relaxer.relax(start)
            let id = "\(ref.kind.name) p=\(ref.pressure)"
            if r.outcome != .converged { failures.append("\(id): \(r.outcome)") }
            if r.steps != ref.steps { failures.append("\(id): \(r.steps) steps, ASE \(ref.steps)") }
            if abs(r.finalEnergyPerAtom - ref.energy) > 1e-9 { failures.append("\(id): energy \(r.finalEnergyPerAtom), ASE \(ref.energy)") }
            let p = r.final.structure.lattice.parameters
            for k in 0..<6 where abs(p[k] - ref.cell[k]) > 1e-7 { failures.append("\(id): cell[\(k)] \(p[k]), ASE \(ref.cell[k])") }
        }
        XCTAssertTrue(failures.isEmpty, failures.joined(separator: "\n"))
    }
}
