import Crystal
import Dynamics
import Foundation
import Potentials
import XCTest

/// Velocity Verlet and Langevin (BAOAB) dynamics on the spring model (32 atoms of an fcc crystal with
/// nearest-neighbour springs, which unlike simple cubic resists shear, so no atom wanders into the
/// springs' cut-off): energy conservation, time reversibility, the canonical temperature distribution,
/// and a resumed run equal to an uninterrupted one.
final class MolecularDynamicsTests: XCTestCase {
    func crystal() throws -> Structure { try Springs.crystal() }

    func testVelocityVerletConservesEnergyAndRunsBackwards() throws {
        let md = MolecularDynamics(calculator: Springs(), timestep: 1, ensemble: .nve, seed: 1)
        let start = try md.start(try crystal(), temperature: 300)
        XCTAssertEqual(start.temperature, 300, accuracy: 1e-9)
        let momentum = zip(start.masses, start.velocities).reduce(Vec3.zero) { $0 + $1.1 * $1.0 }
        XCTAssertLessThan(norm(momentum), 1e-12)
        var energies: [Double] = []
        let end = try md.run(start, steps: 2000) { energies.append($0.totalEnergy) }
        XCTAssertEqual(end.step, 2000)
        // Velocity Verlet's energy error is bounded, O(dt²), with no drift: a few 1e-6 eV/atom here.
        let n = Double(start.structure.count)
        XCTAssertLessThan(energies.map { abs($0 - start.totalEnergy) }.max()! / n, 1e-4)
        XCTAssertLessThan(abs(energies.last! - start.totalEnergy) / n, 1e-4)
        XCTAssertGreaterThan(end.kineticEnergy, 0.1 * start.kineticEnergy, "energy flows between kinetic and potential")

        // Reversed velocities retrace the path.
        var back = end
        back.velocities = back.velocities.map { -$0 }
        let home = try md.run(back, steps: 2000)
        for (a, b) in zip(home.structure.cartesianCoords, start.structure.cartesianCoords) { XCTAssertLessThan(norm(a - b), 1e-6) }
    }

    func testLangevinSamplesTheCanonicalTemperature() throws {
        let md = MolecularDynamics(calculator: Springs(), timestep: 2, ensemble: .langevin(temperature: 300, friction: 0.01), seed: 7)
        var temperatures: [Double] = []
        _ = try md.run(try md.start(try crystal()), steps: 20_000) { s in if s.step > 2000 { temperatures.append(s.temperature) } }
        let mean = temperatures.reduce(0, +) / Double(temperatures.count)
        let sd = (temperatures.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(temperatures.count)).squareRoot()
        // Canonical kinetic temperature over 3N = 96 degrees of freedom: mean 300 K, SD 300·√(2/96) = 43 K.
        // 36,000 fs at a 100 fs velocity memory (1/friction) are about 360 independent samples: the
        // mean's standard error is about 2.3 K; the bounds are about five of them.
        XCTAssertEqual(mean, 300, accuracy: 12)
        XCTAssertEqual(sd, 300 * (2.0 / 96).squareRoot(), accuracy: 8)
    }

    func testResumedRunEqualsUninterruptedRun() throws {
        let md = MolecularDynamics(calculator: Springs(), timestep: 1, ensemble: .langevin(temperature: 500, friction: 0.02), seed: 3)
        let start = try md.start(try crystal(), temperature: 500)
        let straight = try md.run(start, steps: 50)
        let resumed = try md.run(try md.run(start, steps: 20), steps: 30)
        XCTAssertEqual(resumed.step, 50)
        XCTAssertEqual(resumed.structure, straight.structure)
        XCTAssertEqual(resumed.velocities, straight.velocities)
        let other = try MolecularDynamics(calculator: Springs(), timestep: 1, ensemble: .langevin(temperature: 500, friction: 0.02), seed: 4)
            .run(start, steps: 50)
        XCTAssertNotEqual(other.velocities, straight.velocities, "another seed, another noise")
    }

    func testBadSettingsAreRefused() throws {
        XCTAssertThrowsError(try MolecularDynamics(calculator: Springs(), timestep: 0).start(try crystal())) { XCTAssert("\($0)".contains("time step")) }
        XCTAssertThrowsError(try MolecularDynamics(calculator: Springs(), ensemble: .langevin(temperature: 300, friction: 0)).start(try crystal())) {
            XCTAssert("\($0)".contains("friction"))
        }
        XCTAssertThrowsError(try MolecularDynamics(calculator: Springs()).start(try crystal(), temperature: -1)) { XCTAssert("\($0)".contains("temperature")) }
    }
}
