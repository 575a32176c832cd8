import Crystal
import Dynamics
import Foundation
import Potentials
import XCTest

/// The thermal-robustness verdict on Lennard-Jones argon (melting near 84 K at zero pressure, higher
/// in the fixed volume of the anneal): a cold anneal keeps the fcc crystal, a hot one melts it.
final class ThermalRobustnessTests: XCTestCase {
    func assess(_ temperature: Double) throws -> ThermalRobustness.Result {
        var t = ThermalRobustness(calculator: LennardJones())
        (t.temperature, t.time, t.timestep, t.seed) = (temperature, 2, 4, 1)
        t.relaxer.fmax = 1e-3  // argon's forces are a hundredth of a real solid's
        return try t.assess(try LennardJones.fcc())
    }

    func testColdCrystalIsRobust() throws {
        let r = try assess(20)
        XCTAssertEqual(r.verdict, .robust, r.summary)
        XCTAssertEqual(r.start.count, 32, "a 2×2×2 supercell is 8 Å wide: \(r.start.lattice.parameters) \(r.quenched.lattice.parameters)")
        XCTAssertEqual(r.nearestNeighbour, 3.4 * Foundation.pow(2.0, 1.0 / 6), accuracy: 0.1, "the relaxed fcc neighbour distance is near 2^(1/6)σ")
        XCTAssertEqual(r.meanTemperature, 20, accuracy: 8)
        // 20 K is a quarter of the melting point: vibrations of a few percent of the bond.
        XCTAssertLessThan(r.lindemann, 0.06, r.summary)
        XCTAssertGreaterThan(r.lindemann, 0.005, r.summary)
        XCTAssertLessThan(r.msd, 0.2, r.summary)
        XCTAssertEqual(r.msdGrowth, 1, accuracy: 0.3, "the MSD levels off: " + r.summary)
        XCTAssertEqual(r.orderRatio, 1, accuracy: 0.2, "the quenched crystal has the start's g(r)")
        XCTAssertEqual(r.quenchedEnergy, r.startEnergy, accuracy: 1e-4)
        // The hot g(r) is the start's broadened: the first peak lower, not moved.
        let peak = { (g: RadialDistribution) in g.r[g.g.indices.max { g.g[$0] < g.g[$1] }!] }
        XCTAssertEqual(peak(r.rdfHot), peak(r.rdfStart), accuracy: 0.15)
        XCTAssertLessThan(r.rdfHot.g.max()!, r.rdfStart.g.max()!)
    }

    func testHotCrystalMelts() throws {
        let r = try assess(1000)
        XCTAssertEqual(r.verdict, .melted, r.summary)
        XCTAssertGreaterThan(r.lindemann, 0.1, r.summary)
        XCTAssertGreaterThan(r.msd, 1, "atoms leave their sites")
        XCTAssertGreaterThan(r.msdGrowth, 1.5, r.summary)
        // A liquid's g(r) flattens towards 1 beyond the first shell.
        XCTAssertLessThan(r.rdfHot.order(from: 1.5 * r.nearestNeighbour), 0.3 * r.rdfStart.order(from: 1.5 * r.nearestNeighbour))
    }

    func testRadialDistributionCountsTheFirstShell() throws {
        let fcc = try LennardJones.fcc()
        let g = RadialDistribution([try fcc.supercell(2, 2, 2)], rMax: 6, width: 0.02, smoothing: 0.05)
        // 12 neighbours at a/√2: ∫ 4πr²ρ g dr over the first peak counts them.
        let nn: Double = 5.3 / 2.0.squareRoot(), rho: Double = 4 / (5.3 * 5.3 * 5.3)
        var shell = 0.0
        for (r, g) in zip(g.r, g.g) where abs(r - nn) < 0.3 { shell += 4 * Double.pi * r * r * rho * g * 0.02 }
        XCTAssertEqual(shell, 12, accuracy: 0.05)
        XCTAssertEqual(g.g.prefix(100).max()!, 0, accuracy: 1e-9, "no pairs below 2 Å")
    }

    func testBadSettingsAreRefused() throws {
        var t = ThermalRobustness(calculator: LennardJones())
        t.temperature = 0
        XCTAssertThrowsError(try t.assess(try LennardJones.fcc())) { XCTAssert("\($0)".contains("temperature"), "\($0)") }
        t.temperature = 300
        t.maximumAtoms = 16
        XCTAssertThrowsError(try t.assess(try LennardJones.fcc())) { XCTAssert("\($0)".contains("32 atoms is over 16"), "\($0)") }
    }
}
