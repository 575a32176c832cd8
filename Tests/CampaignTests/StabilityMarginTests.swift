@testable import Campaign
import Crystal
import Evaluation
import Foundation
import Potentials
import Thermo
import XCTest

/// A real margin measurement: K–O's MP hull compounds (K2O, K2O2, KO2; 3–8 sites) relaxed with CHGNet.
final class StabilityMarginTests: XCTestCase {
    /// Counts calculator calls, to show a resumed run relaxes nothing.
    final class Counting: Calculator, @unchecked Sendable {
        let inner: any Calculator
        private let lock = NSLock()
        private var n = 0
        init(_ inner: any Calculator) { self.inner = inner }
        var name: String { inner.name }
        var calls: Int { lock.lock(); defer { lock.unlock() }; return n }
        func calculate(_ structure: Structure, properties: Properties) throws -> CalculationResult {
            lock.lock(); n += 1; lock.unlock()
            return try inner.calculate(structure, properties: properties)
        }
    }

    func testOffsetsAreEHullOfTheRelaxedPhasesAndTheStoreResumes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-margin-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let els = [try Element("K"), try Element("O")]
        let spec = try CampaignSpec(name: "margin", chemicalSystems: [els], generators: [.init(kind: .substitution, budget: 1, seed: 1)],
                                    relaxSteps: 300)
        let calculator = Counting(try CHGNet())
        var runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(calculator))
        runner.workers = 2
        let hull = try HullService(elements: spec.elements)
        let m = try runner.stabilityMargins(try KnowledgeStore(path: runner.storePath), hull: hull).measured
        XCTAssertEqual(m.map(\.system), ["K-O"])
        let margin = try XCTUnwrap(m.first)
        XCTAssertGreaterThanOrEqual(margin.phases.count, 2, "\(margin)")
        XCTAssertGreaterThanOrEqual(margin.count, 1, "\(margin)")
        XCTAssertTrue(margin.phases.allSatisfy { $0.sites <= 60 })

        // Independently: formation energy from MP's elemental references, minus the hull energy there.
        let mu = try MPElementalReferences.bundled().energyPerAtom
        let diagram = try PhaseDiagram(entries: try MPReference.entries().filter { Set($0.composition.elements).isSubset(of: Set(els)) })
        let stable = Set(diagram.stableEntries.map(\.composition.reducedFormula))
        for p in margin.phases {
            XCTAssertTrue(stable.contains(p.formula), "\(p.formula) is not on the MP hull")
            guard let offset = p.offset else { continue }
            let c = try Composition(p.formula).fractional
            let ef = try XCTUnwrap(p.energyPerAtom) - c.items.reduce(0) { $0 + $1.1 * mu[$1.0]! }
            XCTAssertEqual(offset, ef - (try diagram.hullFormationEnergy(of: c)), accuracy: 1e-9, p.formula)
        }
        let offsets = margin.offsets.sorted()
        XCTAssertEqual(margin.min, offsets.first)
        XCTAssertEqual(margin.max, offsets.last)
        XCTAssertEqual(margin.margin, max(0, try XCTUnwrap(margin.median)))

        // A resumed run reads the stored measurement and relaxes nothing.
        let calls = calculator.calls
        XCTAssertGreaterThan(calls, 0)
        let again = try runner.stabilityMargins(try KnowledgeStore(path: runner.storePath), hull: hull)
        XCTAssertEqual(again.measured, m)
        XCTAssertEqual(calculator.calls, calls)
        XCTAssertEqual(again.margin(for: [try Element("K"), try Element("O")]), margin.margin)
    }
}
