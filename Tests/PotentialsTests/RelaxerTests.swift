import Crystal
import Foundation
import Potentials
import XCTest

/// Relaxations with analytic potentials: known minima, honest outcomes, trajectories.
final class RelaxerTests: XCTestCase {
    /// Nearest-neighbour Lennard-Jones fcc has its minimum at a = 2^(1/6)·σ·√2.
    let ideal = pow(2, 1.0 / 6) * 2.0 * 2.0.squareRoot()

    private func start() -> Structure {
        var s = Structure.fcc(3.2).perturbed(distance: 0.05, seed: 5)
        s.lattice = Lattice(s.lattice.matrix * Matrix3(Vec3(1.02, 0.01, 0), Vec3(0.01, 0.99, -0.015), Vec3(0, -0.015, 1.0)))
        return s
    }

    func testEveryMinimizerReachesTheFccMinimum() throws {
        for kind in [MinimizerKind.fire(), .bfgs(), .lbfgs()] {
            var relaxer = Relaxer(calculator: LennardJones())
            relaxer.minimizer = kind
            relaxer.fmax = 1e-4
            relaxer.maxSteps = 2000
            let r = try relaxer.relax(start())
            XCTAssertEqual(r.outcome, .converged, kind.name)
            XCTAssertLessThan(r.final.fmax, 1e-4, kind.name)
            let p = r.final.structure.lattice.parameters
            for k in 0..<3 { XCTAssertEqual(p[k], ideal, accuracy: 1e-4 * ideal, "\(kind.name) length \(k)") }
            for k in 3..<6 { XCTAssertEqual(p[k], 90, accuracy: 1e-3, "\(kind.name) angle \(k)") }
            // 12 neighbours at the minimum, each −ε (shifted by −φ(r_c)), halved per atom.
            let lj = LennardJones()
            XCTAssertEqual(r.finalEnergyPerAtom, 6 * lj.pair(pow(2, 1.0 / 6) * 2).energy, accuracy: 1e-6, kind.name)
            XCTAssertLessThan(r.finalEnergyPerAtom, r.initialEnergyPerAtom, kind.name)
            XCTAssertEqual(r.calculatorCalls, r.steps + 1, kind.name)
            XCTAssertEqual(r.energyPerAtomTrajectory.count, r.steps + 1, kind.name)
        }
    }

    func testPressureShrinksAndFixedVolumeKeepsVolume() throws {
        var relaxer = Relaxer(calculator: LennardJones())
        let free = try relaxer.relax(start())
        relaxer.pressure = 20
        let squeezed = try relaxer.relax(start())
        XCTAssertEqual(squeezed.outcome, .converged)
        XCTAssertLessThan(squeezed.final.structure.volume, free.final.structure.volume * 0.99)
        relaxer.pressure = 0
        relaxer.cell = .fixedVolume
        let s = start()
        let fixedVolume = try relaxer.relax(s)
        XCTAssertEqual(fixedVolume.final.structure.volume, s.volume, accuracy: 1e-9 * s.volume)
        relaxer.cell = .fixed
        let fixed = try relaxer.relax(s)
        XCTAssertEqual(fixed.final.structure.lattice, s.lattice)
        relaxer.cell = .hydrostatic
        let hydro = try relaxer.relax(Structure.fcc(3.3))
        XCTAssertEqual(hydro.outcome, .converged)
        XCTAssertEqual(hydro.final.structure.lattice.a, ideal, accuracy: 0.005 * ideal)
    }

    func testStepLimitReportsNotConverged() throws {
        var relaxer = Relaxer(calculator: LennardJones())
        relaxer.maxSteps = 3
        let r = try relaxer.relax(start())
        XCTAssertEqual(r.outcome, .notConverged)
        XCTAssertEqual(r.steps, 3)
        XCTAssertGreaterThan(r.final.fmax, relaxer.fmax)
    }

    /// A force field with no minimum can never converge; it must say so after the step limit.
    func testIllPosedProblemReportsNotConverged() throws {
        let r = try Relaxer(calculator: ConstantForce()).relax(start())
        XCTAssertEqual(r.outcome, .notConverged)
        XCTAssertEqual(r.steps, 500)
    }

    func testFailuresKeepTheLastGoodState() throws {
        let nan = try Relaxer(calculator: NaNAfter(inner: LennardJones(), failAt: 6)).relax(start())
        guard case .failed(let why) = nan.outcome else { return XCTFail("NaN energy: \(nan.outcome)") }
        XCTAssertTrue(why.contains("not finite"), why)
        XCTAssertEqual(nan.final.step, 4)
        XCTAssertTrue(nan.final.result.energy.isFinite)

        let collapse = try Relaxer(calculator: Spring()).relax(
            Structure(lattice: .cubic(6), species: [try Element("H"), try Element("H")],
                      fracCoords: [Vec3(0, 0, 0), Vec3(0.3, 0, 0)]))
        guard case .failed(let why2) = collapse.outcome else { return XCTFail("collapse: \(collapse.outcome)") }
        XCTAssertTrue(why2.contains("collapsed"), why2)
        XCTAssertGreaterThanOrEqual(collapse.final.structure.minimumDistance, 0.5)

        let blowUp = try Relaxer(calculator: Expanding()).relax(Structure.fcc(3.2))
        guard case .failed(let why3) = blowUp.outcome else { return XCTFail("expansion: \(blowUp.outcome)") }
        XCTAssertTrue(why3.contains("volume"), why3)
        XCTAssertLessThanOrEqual(blowUp.final.structure.volume, 20 * pow(3.2, 3))
    }

    func testStartingBelowCollapseDistanceIsNotAFailure() throws {
        var s = Structure.fcc(3.2)
        s.sites[1].frac = Vec3(0.05, 0.05, 0)  // 0.23 Å from atom 0
        var relaxer = Relaxer(calculator: LennardJones())
        relaxer.maxSteps = 20
        let r = try relaxer.relax(s)
        XCTAssertEqual(r.outcome, .notConverged)
        XCTAssertLessThan(r.finalEnergyPerAtom, r.initialEnergyPerAtom)
    }

    func testSymmetryConstraintKeepsSpaceGroup() throws {
        let s = Structure.fcc(3.3)
        let c = try SymmetryConstraint(structure: s, symprec: 0.01)
        XCTAssertEqual(c.rotations.count, 192)  // 48 point operations × 4 centring translations
        var rng = SeededGenerator(seed: 2)
        let noise = (0..<4).map { _ in Vec3(Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng),
                                            Double.random(in: -1...1, using: &rng)) }
        let sym = c.symmetrize(forces: noise, lattice: s.lattice)
        for f in sym { XCTAssertEqual(norm(f), 0, accuracy: 1e-12) }  // every fcc site is centrosymmetric
        let stress = c.symmetrize(stress: Matrix3(Vec3(1, 0.2, 0.3), Vec3(0.2, 2, 0.1), Vec3(0.3, 0.1, 3)), lattice: s.lattice)
        for i in 0..<3 { for j in 0..<3 { XCTAssertEqual(stress[i, j], i == j ? 2 : 0, accuracy: 1e-12) } }

        // A tiny off-symmetry displacement (within symprec) does not grow when symmetrized.
        var t = Structure.fcc(3.3)
        t.sites[0].frac = Vec3(0.001, 0, 0)
        var relaxer = Relaxer(calculator: LennardJones())
        relaxer.symmetryTolerance = 0.01
        let r = try relaxer.relax(t)
        XCTAssertEqual(r.outcome, .converged)
        let p = r.final.structure.lattice.parameters
        XCTAssertEqual(p[0], p[1], accuracy: 1e-6)
        XCTAssertEqual(p[0], p[2], accuracy: 1e-6)
        XCTAssertEqual(r.final.structure.sites[0].frac.x, 0.001, accuracy: 1e-9)  // symmetrized force on it is zero
    }

    func testTrajectoryIsExtendedXYZ() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-traj-\(UUID()).extxyz")
        defer { try? FileManager.default.removeItem(at: url) }
        let writer = try TrajectoryWriter(url: url)
        var relaxer = Relaxer(calculator: LennardJones())
        relaxer.maxSteps = 10
        let r = try relaxer.relax(start()) { try? writer.append($0) }
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, (r.steps + 1) * 6 + 1)
        XCTAssertEqual(lines[0], "4")
        XCTAssertTrue(lines[1].hasPrefix("Lattice=\""))
        XCTAssertTrue(lines[1].contains("Properties=species:S:1:pos:R:3:forces:R:3"))
        XCTAssertTrue(lines[1].contains("step=0"))
        XCTAssertEqual(lines[2].split(separator: " ").count, 7)
    }
}
