@testable import Campaign
import Crystal
import Evaluation
import Foundation
import Potentials
import Thermo
import XCTest

/// A campaign on the mlip hull reference: the reference phases are relaxed with the campaign's
/// calculator once, cached in the knowledge store, and no stability margin is measured.
final class MLIPHullCampaignTests: XCTestCase {
    /// Cs and Au at fixed energies per atom, −0.2 eV/atom of binding per Cs–Au pair, no forces; counts calls.
    final class CsAuPotential: Calculator, @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        var name: String { "Cs-Au test potential 1" }
        var calls: Int { lock.withLock { n } }
        func calculate(_ structure: Structure, properties: Properties) throws -> CalculationResult {
            lock.withLock { n += 1 }
            let c = structure.composition
            let (cs, au) = (c[try Element("Cs")], c[try Element("Au")])
            return CalculationResult(energy: -1 * cs - 3 * au - 0.4 * min(cs, au),
                                     forces: Array(repeating: Vec3(0, 0, 0), count: structure.count),
                                     stress: Matrix3([[0, 0, 0], [0, 0, 0], [0, 0, 0]]))
        }
    }

    func testReferenceIsRelaxedOnceAndCachedInTheStore() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-mlip-campaign-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var spec = try CampaignSpec(name: "csau", chemicalSystems: [[try Element("Cs"), try Element("Au")]],
                                    generators: [.init(kind: .substitution, budget: 1, seed: 1)], requireChargeBalance: false)
        spec.hullReference = .mlip
        let potential = CsAuPotential()
        let runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(potential, name: "csau"))
        let hull = try runner.hullService(try KnowledgeStore(path: runner.storePath))
        XCTAssertEqual(hull.reference, .mlip)
        XCTAssertEqual(Set(hull.referenceEntries.map(\.id)), ["mp-1", "mp-81", "mp-2667"])
        XCTAssertEqual(potential.calls, 3)
        let csau = try XCTUnwrap(hull.referenceEntries.first { $0.id == "mp-2667" })
        XCTAssertEqual(csau.energyPerAtom, -0.2, accuracy: 1e-12)
        XCTAssertTrue(hull.provenance.contains("Cs-Au test potential 1"), hull.provenance)
        XCTAssertTrue(hull.provenance.contains("MP hull phases are covered"), hull.provenance)

        // A second run reads the store: nothing is relaxed again, the same phases.
        let store = try KnowledgeStore(path: runner.storePath)
        var relaxer = Relaxer(calculator: potential)
        (relaxer.fmax, relaxer.maxSteps) = (spec.fmax, spec.relaxSteps)
        let again = try MLIPReferenceBuilder(relaxer: relaxer).build(systems: spec.chemicalSystems, cache: store)
        XCTAssertEqual(potential.calls, 3)
        XCTAssertEqual(Set(again.phases.compactMap(\.energy)).count, 3)
        // No margin on the potential's own scale, even with margin = "measured".
        let margins = try runner.stabilityMargins(store, hull: hull)
        XCTAssertTrue(margins.measured.isEmpty)
        XCTAssertEqual(margins.margin(for: [try Element("Cs")]), 0)
        XCTAssertEqual(potential.calls, 3)
        // The reference setting is part of the campaign's identity.
        XCTAssertTrue(runner.fingerprint(nil).contains("hull mlip"))
    }

    func testStoreKeepsPhasesPerKey() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-mlip-store-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try KnowledgeStore(path: path)
        let a = MLIPReference.Phase(id: "mp-1", formula: "Cs1", energy: -1, outcome: "converged")
        let failed = MLIPReference.Phase(id: "mp-2", formula: "Au1", energy: nil, outcome: "failed", error: "collapsed")
        try store.storeMLIPPhase(a, key: "k1")
        try store.storeMLIPPhase(failed, key: "k1")
        try store.storeMLIPPhase(MLIPReference.Phase(id: "mp-1", formula: "Cs1", energy: -2, outcome: "converged"), key: "k2")
        let reopened = try KnowledgeStore(path: path)
        XCTAssertEqual(try reopened.mlipPhases(key: "k1"), ["mp-1": a, "mp-2": failed])
        XCTAssertEqual(try reopened.mlipPhases(key: "k2")["mp-1"]?.energy, -2)
        XCTAssertTrue(try reopened.mlipPhases(key: "other").isEmpty)
    }
}
