import Crystal
import Foundation
import Potentials
import ReferenceData
import Thermo
import XCTest
@testable import Evaluation

/// A cheap potential for reference-building tests: a fixed energy per element plus −0.2 eV per
/// Cs–Au pair of formula units, no forces or stress (every relaxation converges at once). Counts
/// its calls.
final class PairTablePotential: Calculator, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    let name: String
    var calls: Int { lock.withLock { count } }

    init(name: String = "pair table 1") { self.name = name }

    static let perElement = ["Cs": -1.0, "Au": -3.0]

    func calculate(_ structure: Structure, properties: Properties) throws -> CalculationResult {
        lock.withLock { count += 1 }
        let c = structure.composition
        var e = 0.0
        for (el, n) in c.items { e += n * (Self.perElement[el.symbol] ?? 0) }
        e -= 0.4 * min(c[try Element("Cs")], c[try Element("Au")])
        return CalculationResult(energy: e, forces: Array(repeating: Vec3(0, 0, 0), count: structure.count),
                                 stress: Matrix3([[0, 0, 0], [0, 0, 0], [0, 0, 0]]))
    }
}

final class MLIPReferenceBuilderTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-mlip-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private let csAu = [[try! Element("Cs"), try! Element("Au")]]

    /// Cs–Au has three bundled MP structures (Cs, Au, CsAu); all are relaxed, cached, and a second
    /// build with the same key relaxes nothing.
    func testBuildsOnceAndReusesTheCache() throws {
        let potential = PairTablePotential()
        let builder = MLIPReferenceBuilder(relaxer: Relaxer(calculator: potential))
        let cache = try MLIPReferenceFolder(folder: folder)
        let first = try builder.build(systems: csAu, cache: cache)
        XCTAssertEqual(Set(first.phases.map(\.id)), ["mp-1", "mp-81", "mp-2667"])
        XCTAssertTrue(first.phases.allSatisfy { $0.outcome == "converged" && $0.energy != nil })
        XCTAssertEqual(potential.calls, 3)
        let again = PairTablePotential()
        let second = try MLIPReferenceBuilder(relaxer: Relaxer(calculator: again)).build(systems: csAu, cache: cache)
        XCTAssertEqual(again.calls, 0, "every phase comes from the cache")
        XCTAssertEqual(second.phases, first.phases)
        // CsAu: (−4 − 0.4 − (−1 − 3)) / 2 = −0.2 eV/atom on the potential's own scale.
        let hull = try HullService(mlip: second, corrections: .none)
        let csau = try XCTUnwrap(hull.referenceEntries.first { $0.composition.reducedFormula == "CsAu" })
        XCTAssertEqual(csau.energyPerAtom, -0.2, accuracy: 1e-12)
        XCTAssertTrue(second.model.contains("pair table 1"), second.model)
    }

    /// Another potential version or other relaxation settings are another key: relaxed anew.
    func testKeyNamesPotentialAndSettings() throws {
        let cache = try MLIPReferenceFolder(folder: folder)
        _ = try MLIPReferenceBuilder(relaxer: Relaxer(calculator: PairTablePotential())).build(systems: csAu, cache: cache)
        let newer = PairTablePotential(name: "pair table 2")
        _ = try MLIPReferenceBuilder(relaxer: Relaxer(calculator: newer)).build(systems: csAu, cache: cache)
        XCTAssertEqual(newer.calls, 3)
        let same = PairTablePotential()
        var relaxer = Relaxer(calculator: same)
        relaxer.maxSteps = 10
        _ = try MLIPReferenceBuilder(relaxer: relaxer).build(systems: csAu, cache: cache)
        XCTAssertEqual(same.calls, 3)
    }

    /// A torn last line (a killed run) is ignored, the phase relaxed again, and the file stays readable.
    func testTornLineIsIgnored() throws {
        let cache = try MLIPReferenceFolder(folder: folder)
        let builder = MLIPReferenceBuilder(relaxer: Relaxer(calculator: PairTablePotential()))
        _ = try builder.build(systems: csAu, cache: cache)
        let file = cache.file(key: builder.key)
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        try (lines.dropLast().joined(separator: "\n") + "\n" + lines.last!.prefix(20)).write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try cache.mlipPhases(key: builder.key).count, 2)
        let potential = PairTablePotential()
        _ = try MLIPReferenceBuilder(relaxer: Relaxer(calculator: potential)).build(systems: csAu, cache: cache)
        XCTAssertEqual(potential.calls, 1)
        XCTAssertEqual(try cache.mlipPhases(key: builder.key).count, 3)
    }

    /// A refused structure is kept as an error without energy (and not retried), not a crash.
    func testFailuresAreKeptWithTheirReason() throws {
        struct Refusing: Calculator {
            var name: String { "refusing" }
            func calculate(_ structure: Structure, properties: Properties) throws -> CalculationResult {
                throw CalculatorError.unsupportedElement("every element")
            }
        }
        let r = try MLIPReferenceBuilder(relaxer: Relaxer(calculator: Refusing())).build(systems: csAu, cache: MLIPReferenceFolder(folder: folder))
        XCTAssertTrue(r.phases.allSatisfy { $0.energy == nil && $0.outcome == "error" && $0.error?.contains("every element") == true })
        XCTAssertTrue(try HullService(mlip: r, corrections: .none).referenceEntries.isEmpty)
    }

    /// CHGNet on Cs–Au (single points on the three MP structures): the reference's formation energy of
    /// CsAu is the one computed by hand from CHGNet's own energies.
    func testCHGNetOnCesiumGold() throws {
        let chgnet = try CHGNet()
        var relaxer = Relaxer(calculator: chgnet)
        relaxer.maxSteps = 0
        let reference = try MLIPReferenceBuilder(relaxer: relaxer).build(systems: csAu, cache: MLIPReferenceFolder(folder: folder))
        let mp = try ReferenceStructures.mp()
        let perAtom = { (id: String) throws -> Double in
            let s = mp.structure(at: try XCTUnwrap(mp.index(ofID: id)))
            return try chgnet.calculate(s, properties: .energy).energy / Double(s.count)
        }
        let expected = try perAtom("mp-2667") - (try perAtom("mp-1") + perAtom("mp-81")) / 2
        let hull = try HullService(mlip: reference, corrections: .none)
        let csau = try XCTUnwrap(hull.referenceEntries.first { $0.id == "mp-2667" })
        // Float32 CHGNet energies, recomputed: agree to float32 noise (eV/atom).
        XCTAssertEqual(csau.energyPerAtom, expected, accuracy: 1e-5)
        XCTAssertLessThan(csau.energyPerAtom, 0, "CsAu is a bound compound")
    }
}
