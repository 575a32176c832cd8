import Crystal
import Dynamics
import Foundation
import Potentials
import XCTest

/// The thermal-robustness verdict with CHGNet 0.3.0 on rock-salt NaCl (melts at 1074 K; a perfect
/// periodic crystal at fixed volume superheats well beyond that in a picosecond, measured still solid
/// at 3000 K in 0.6 ps): a 600 K anneal keeps it, a 5000 K one melts it. 64 atoms, 300 steps each.
final class ThermalRobustnessCHGNetTests: XCTestCase {
    func assess(_ temperature: Double, time: Double) throws -> ThermalRobustness.Result {
        let na = try Element("Na"), cl = try Element("Cl")
        let fcc = [Vec3(0, 0, 0), Vec3(0, 0.5, 0.5), Vec3(0.5, 0, 0.5), Vec3(0.5, 0.5, 0)]
        let salt = Structure(lattice: .cubic(5.64), species: Array(repeating: na, count: 4) + Array(repeating: cl, count: 4),
                             fracCoords: fcc + fcc.map { $0 + Vec3(0.5, 0, 0) })
        var t = ThermalRobustness(calculator: try CHGNet())
        (t.temperature, t.time, t.timestep, t.minimumWidth, t.seed) = (temperature, time, 2, 6, 3)
        return try t.assess(salt)
    }

    func testSaltSurvives600KAndMelts5000K() throws {
        let warm = try assess(600, time: 0.6)
        XCTAssertEqual(warm.verdict, .robust, warm.summary)
        XCTAssertEqual(warm.start.count, 64)
        XCTAssertEqual(warm.nearestNeighbour, 2.84, accuracy: 0.05, "CHGNet's relaxed Na–Cl distance")
        // Rock salt vibrates widely (measured Lindemann ratio 0.10 at 600 K): that alone is no melting.
        XCTAssertLessThan(warm.lindemann, 0.15, warm.summary)
        XCTAssertLessThan(warm.msdGrowth, 1.5, warm.summary)
        XCTAssertEqual(warm.quenchedEnergy, warm.startEnergy, accuracy: 0.002, "the quench returns to the start's energy")

        let hot = try assess(5000, time: 0.6)
        XCTAssertEqual(hot.verdict, .melted, hot.summary)
        XCTAssertGreaterThan(hot.msd, 2, "ions diffuse over ångströms: " + hot.summary)
        XCTAssertLessThan(hot.rdfHot.order(from: 1.5 * hot.nearestNeighbour), 0.3 * hot.rdfStart.order(from: 1.5 * hot.nearestNeighbour),
                          "the liquid's g(r) has lost the crystal's long-range peaks")
    }
}
