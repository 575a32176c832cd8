import Crystal
import Dynamics
import Foundation
import Potentials
import XCTest

/// NPT by Langevin dynamics with stochastic cell rescaling, on models whose isothermal–isobaric
/// volume distribution is known: an ideal gas (⟨V⟩ = (N + 1)·k_BT/P₀ exactly, the +1 from the
/// ensemble's measure, so a wrong Jacobian shows as a 25 % error with 4 atoms), an energy of the
/// volume alone (mean and spread of V against the numerically integrated density), and the fcc
/// spring crystal (mean instantaneous pressure = P₀). Statistical bounds are about four standard
/// errors, with the number of independent samples taken as the run over twice the volume's
/// relaxation time τ_p/(β·B).
final class NPTTests: XCTestCase {
    func gas(_ count: Int, cell: Double) throws -> Structure {
        let ar = try Element("Ar")
        return Structure(lattice: .cubic(cell), species: Array(repeating: ar, count: count),
                             fracCoords: (0..<count).map { Vec3(Double($0) / Double(count), 0.5, 0.3 * Double($0 % 2)) })
    }

    func volumes(_ calculator: any Calculator, _ structure: Structure, pressure: Double, compressibility: Double,
                 barostatTime: Double, steps: Int, seed: UInt64) throws -> [Double] {
        let md = MolecularDynamics(calculator: calculator, timestep: 1, ensemble: .npt(temperature: 300, friction: 0.02, pressure: pressure,
                                                  compressibility: compressibility, barostatTime: barostatTime), seed: seed)
        var v: [Double] = []
        v.reserveCapacity(steps)
        _ = try md.run(try md.start(structure, temperature: 300), steps: steps) { s in if s.step > steps / 10 { v.append(s.structure.lattice.volume) } }
        return v
    }

    func moments(_ x: [Double]) -> (mean: Double, sd: Double) {
        let m = x.reduce(0, +) / Double(x.count)
        return (m, (x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count)).squareRoot())
    }

    func testIdealGasVolumeFollowsTheIsobaricDistribution() throws {
        // 4 atoms, 0.1 GPa, 300 K: ⟨V⟩ = 5·41.4 Å³, SD √5·41.4 Å³. Relaxation time τ_p/(β·P₀) = 2 ps:
        // 720 ps are about 180 independent samples, the mean's standard error 3.3 %.
        let exact = VolumeSprings().volumeMoments(atoms: 4, temperature: 300, pressure: 0.1)
        let kT = PhysicalConstants.boltzmann * 300 / (0.1 * eVPerCubicAngstromPerGPa)
        XCTAssertEqual(exact.mean, 5 * kT, accuracy: 0.01 * kT, "the integral agrees with the closed form")
        let (mean, sd) = moments(try volumes(VolumeSprings(), try gas(4, cell: 6), pressure: 0.1, compressibility: 10,
                                             barostatTime: 2000, steps: 800_000, seed: 5))
        XCTAssertEqual(mean / exact.mean, 1, accuracy: 0.13, "⟨V⟩ \(mean) Å³ against \(exact.mean)")
        XCTAssertEqual(sd / exact.sd, 1, accuracy: 0.2, "SD(V) \(sd) Å³ against \(exact.sd)")
    }

    func testVolumeEnergyGivesTheEquationOfStateVolumeAndFluctuations() throws {
        // B = 10 GPa about V₀ = 100 Å³ at 1 GPa: ⟨V⟩ ≈ 92 Å³, SD ≈ 6.4 Å³; relaxation 200 fs, so
        // 180 ps are about 450 samples and the mean's standard error about 0.3 Å³.
        let model = VolumeSprings(bulkModulus: 10, v0: 100)
        let exact = model.volumeMoments(atoms: 4, temperature: 300, pressure: 1)
        let (mean, sd) = moments(try volumes(model, try gas(4, cell: 4.6), pressure: 1, compressibility: 0.1,
                                             barostatTime: 200, steps: 200_000, seed: 6))
        XCTAssertEqual(mean, exact.mean, accuracy: 1.3, "⟨V⟩ \(mean) Å³ against \(exact.mean)")
        XCTAssertEqual(sd / exact.sd, 1, accuracy: 0.2, "SD(V) \(sd) Å³ against \(exact.sd)")
    }

    func testSpringCrystalHoldsTheTargetPressure() throws {
        let crystal = try Springs.crystal()
        let md = MolecularDynamics(calculator: Springs(), timestep: 2, ensemble: .npt(temperature: 300, friction: 0.01, pressure: 2, compressibility: 0.01, barostatTime: 200), seed: 8)
        var pressures: [Double] = [], volumes: [Double] = []
        _ = try md.run(try md.start(crystal, temperature: 300), steps: 20_000) { s in
            if s.step > 2000 { pressures.append(s.pressure!); volumes.append(s.structure.lattice.volume) }
        }
        let p = moments(pressures), v = moments(volumes)
        // The springs' bulk modulus is about 90 GPa: relaxation about 220 fs, 36 ps are about 80
        // samples; the instantaneous pressure's SD (printed on failure) over √80 is well under 0.3 GPa.
        XCTAssertEqual(p.mean, 2, accuracy: 0.3, "⟨P⟩ \(p.mean) ± \(p.sd) GPa")
        XCTAssertLessThan(v.mean, crystal.lattice.volume, "2 GPa compresses the crystal")
        XCTAssertGreaterThan(v.sd, 0)
        XCTAssertLessThan(v.sd / v.mean, 0.02, "a solid's volume fluctuates by well under 2 %")
    }

    func testResumedNPTRunEqualsUninterruptedRunAndBadSettingsAreRefused() throws {
        let md = MolecularDynamics(calculator: Springs(), timestep: 1, ensemble: .npt(temperature: 500, friction: 0.02, pressure: 1, compressibility: 0.01, barostatTime: 100), seed: 9)
        let start = try md.start(try Springs.crystal(), temperature: 500)
        let straight = try md.run(start, steps: 40)
        let half = try md.run(start, steps: 15)
        let resumed = try md.run(try md.resume(half.structure, velocities: half.velocities, step: half.step), steps: 25)
        XCTAssertEqual(resumed.structure, straight.structure)
        XCTAssertEqual(resumed.velocities, straight.velocities)
        XCTAssertNotEqual(straight.structure.lattice, start.structure.lattice, "the cell moves")

        let bad = MolecularDynamics(calculator: Springs(), ensemble: .npt(temperature: 300, friction: 0.01, pressure: 0, compressibility: 0.01, barostatTime: 5), seed: 1)
        XCTAssertThrowsError(try bad.start(start.structure)) { XCTAssert("\($0)".contains("barostat time")) }
        struct NoStress: Calculator {
            var name: String { "no stress" }
            func calculate(_ s: Structure, properties: Properties) throws -> CalculationResult {
                CalculationResult(energy: 0, forces: Array(repeating: .zero, count: s.count))
            }
        }
        let blind = MolecularDynamics(calculator: NoStress(), ensemble: .npt(temperature: 300, friction: 0.01, pressure: 0, compressibility: 0.01, barostatTime: 100), seed: 1)
        XCTAssertThrowsError(try blind.start(start.structure)) { XCTAssert("\($0)".contains("stress"), "\($0)") }
    }
}
