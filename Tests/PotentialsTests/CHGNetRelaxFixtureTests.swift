import Crystal
import Foundation
import KilnSupport
import KilnTestSupport
import Potentials
import Tensor
import XCTest

/// Relaxations with CHGNet against chgnet 0.4.2's StructOptimizer (FIRE, fmax 0.05, ≤ 500 steps,
/// FrechetCellFilter with exp_cell_factor = number of atoms) on the 15 cases of
/// Tests/Fixtures/chgnet_relax.json.gz: the same outcome, final energy per atom within
/// 2 meV/atom and lattice parameters within 0.5 %. FIRE paths are chaotic and fmax 0.05 leaves
/// soft cells some room, so when two converged runs stop more than 2 meV/atom or 0.5 % apart, both
/// end points (ours and StructOptimizer's) are relaxed further to fmax 0.001 and must then agree
/// within 2 meV/atom and 0.5 % in their Niggli-reduced parameters: the same minimum, reached to
/// different depths (and possibly with two equivalent axes exchanged; seen on a strained perovskite
/// whose FIRE path, on another CPU's BLAS rounding, stopped 11 meV/atom higher on the same cell). Such cases are listed. The unconverged
/// case (atoms far too close at the start) must end not converged with a lower energy.
final class CHGNetRelaxFixtureTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        ProcessSettings.applyForInference()
    }

    func testRelaxationsMatchStructOptimizer() throws {
        let model = try CHGNet()
        let fixture = try XCTUnwrap(try Fixtures.json("chgnet_relax") as? [String: Any])
        let cases = try XCTUnwrap(fixture["results"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 15)
        let relaxer = Relaxer(calculator: model)
        // One relaxation per core at a time.
        let results = WorkQueue.map(cases.count) { k in
            let t0 = Date()
            let r = Result { try relaxer.relax(try Fixtures.structure(cases[k]["start_structure"]!)) }
            return (r, Date().timeIntervalSince(t0))
        }
        var failures: [String] = []
        var report: [String] = []
        for (k, c) in cases.enumerated() {
            let id = c["id"] as! String
            let (outcome, seconds) = results[k]
            let r = try outcome.get()
            let converged = c["converged"] as! Bool
            let refEnergy = c["final_energy_per_atom"] as! Double
            let refLattice = Lattice(c["final_lattice"] as! [[Double]]).parameters
            let ours = r.final.structure.lattice.parameters
            let dE = r.finalEnergyPerAtom - refEnergy
            let dL = zip(ours, refLattice).map { abs($0 - $1) / $1 }.max()!
            report.append(String(format: "%@: %@, %d steps (ref %d), ΔE %+.2f meV/atom, max lattice Δ %.3f %%, %.2f s",
                                 id, r.outcome.label, r.steps, c["n_steps"] as! Int, dE * 1000, dL * 100, seconds))
            if r.converged != converged { failures.append("\(id): \(r.outcome), reference converged=\(converged)") }
            if case .failed = r.outcome { continue }
            if converged {
                guard abs(dE) > 0.002 || dL > 0.005 else { continue }
                var tight = relaxer
                tight.fmax = 0.001
                tight.maxSteps = 2000
                let a = try tight.relax(r.final.structure), b = try tight.relax(try Fixtures.structure(c["final_structure"]!))
                let dTight = zip(a.final.structure.lattice.niggliReduced().parameters, b.final.structure.lattice.niggliReduced().parameters)
                    .map { abs($0 - $1) / $1 }.max()!
                let eTight = a.finalEnergyPerAtom - b.finalEnergyPerAtom
                report.append(String(format: "  %@: both end points relaxed to fmax 0.001 differ by %.3f %% (Niggli parameters), %+.2f meV/atom",
                                     id, dTight * 100, eTight * 1000))
                if dTight > 0.005 || abs(eTight) > 0.002 {
                    failures.append(String(format: "%@: ΔE %.2f meV/atom, lattice parameters %.3f %% (%.2f meV/atom, %.3f %% after tighter relaxation)",
                                           id, dE * 1000, dL * 100, eTight * 1000, dTight * 100))
                }
            } else if !(r.finalEnergyPerAtom < r.initialEnergyPerAtom) {
                failures.append("\(id): energy did not go down")
            }
        }
        print(report.joined(separator: "\n"))
        XCTAssert(failures.isEmpty, "\(failures.count) failures:\n" + failures.joined(separator: "\n"))
    }
}
