import Campaign
import Crystal
import CrystalIO
import Foundation
import Properties
import XCTest

/// Where `[targets]` run: the screen before relaxation, the elastic moduli only for stable unique
/// candidates, and a resumed run that does not repeat stored elastic results. No CHGNet: a
/// calculator that refuses everything (so nothing relaxes) or a store filled with relaxed records.
final class TargetStageTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-targets-\(UUID())")
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func naCl(_ targets: [CampaignSpec.Target], budget: Int = 8) throws -> CampaignSpec {
        try CampaignSpec(name: "targets", chemicalSystems: [[try Element("Na"), try Element("Cl")]],
                         generators: [.init(kind: .substitution, budget: budget, seed: 1)], maxAtoms: 8,
                         stabilityMargin: .fixed(0), relaxSteps: 20, targets: targets)
    }

    func testATargetNoCandidateCanMeetScreensEveryoneOutAndRelaxesNothing() throws {
        let calculator = RefusingCalculator()
        var runner = CampaignRunner(spec: try naCl([try .init(.bandGap, min: 50, use: .constraint)]), outputDirectory: dir, potential: .test(calculator))
        runner.workers = 1
        let summary = try runner.run()
        let all = try KnowledgeStore(path: summary.store).all()
        let screened = all.filter { $0.status == .screenedOut }
        XCTAssertFalse(screened.isEmpty)
        XCTAssertEqual(all.filter { $0.status != .invalid && $0.status != .duplicate }.map(\.id), screened.map(\.id),
                       "every valid unique candidate is screened out")
        for r in screened {
            let gap = try XCTUnwrap(r.screeningProperties?["band_gap"], r.id)
            XCTAssertLessThan(gap.mean, 40, "the bundled model's band gap of \(r.formula)")
            XCTAssertTrue(r.error?.contains("band_gap") == true, r.error ?? "no reason")
        }
        XCTAssertEqual(calculator.calls, 0, "nothing is relaxed")
        XCTAssertEqual(summary.funnel.first { $0.stage.hasPrefix("passed the target screen") }?.count, 0)
    }

    /// A band gap of 0 or 1 eV (σ 0) by the parity of the cell volume in mÅ³: deterministic, about half each.
    struct ParityGap: PropertyPredictor {
        var name: String { "parity test gap" }
        func predict(_ s: Structure) throws -> PropertyValue {
            PropertyValue(mean: Double(Int((s.volume * 1000).rounded()) % 2), sigma: 0, unit: "eV")
        }
    }

    func testTheScreenKeepsExactlyTheLikelyCandidates() throws {
        let calculator = RefusingCalculator()
        let target = try CampaignSpec.Target(.bandGap, min: 0.5, use: .constraint)
        var runner = CampaignRunner(spec: try naCl([target]), outputDirectory: dir, potential: .test(calculator))
        runner.workers = 1
        runner.targetPredictors = TargetPredictors(screening: [.bandGap: ParityGap()], final: [.bandGap: ParityGap()]) { _ in
            throw PropertyError.undefined("no elastic tensor in this test")
        }
        let all = try KnowledgeStore(path: try runner.run().store).all()
        let judged = all.filter { $0.status == .screenedOut || $0.status == .failed }
        XCTAssertTrue(judged.contains { $0.status == .screenedOut } && judged.contains { $0.status == .failed },
                      "the parity predictor should split the candidates: \(judged.map(\.status))")
        for r in judged {
            let expected = try ParityGap().predict(try r.structure())
            XCTAssertEqual(r.screeningProperties?["band_gap"], expected, r.id)
            XCTAssertEqual(r.status == .screenedOut, target.probability(expected) < 0.05, r.id)
        }
        XCTAssertEqual(calculator.calls, judged.filter { $0.status == .failed }.count, "one refused relaxation per kept candidate")
    }

    /// Relaxed candidates stored directly (no generation or relaxation left to do): NaCl in the
    /// rock-salt (substitution-0-0000) and CsCl (-0001) structures far below the MP hull, and zinc
    /// blende (-0002) far above it.
    private func storeRelaxed() throws -> [CandidateRecord] {
        let (na, cl) = (try Element("Na"), try Element("Cl"))
        let fcc = Lattice([[0, 2.82, 2.82], [2.82, 0, 2.82], [2.82, 2.82, 0]])
        let cells: [(Structure, Double)] = [
            (Structure(lattice: fcc, species: [na, cl], fracCoords: [[0, 0, 0], [0.5, 0.5, 0.5]]), -10),
            (Structure(lattice: .cubic(3.3), species: [na, cl], fracCoords: [[0, 0, 0], [0.5, 0.5, 0.5]]), -9.99),
            (Structure(lattice: fcc, species: [na, cl], fracCoords: [[0, 0, 0], [0.25, 0.25, 0.25]]), -1),
        ]
        let records = cells.enumerated().map { i, c -> CandidateRecord in
            var r = CandidateRecord(id: String(format: "substitution-0-%04d", i), ordinal: i, generator: "substitution-0", parent: nil,
                                    seed: 1, substitution: nil, formula: c.0.reducedFormula, nSites: c.0.count, nElements: 2,
                                    initialStructure: StructureCoding.encode(c.0))
            r.status = .relaxed
            r.relaxOutcome = "converged"
            r.relaxSteps = 1
            r.finalEnergyPerAtom = c.1
            r.relaxedStructure = r.initialStructure
            r.magneticMoments = [0, 0]
            return r
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try KnowledgeStore(path: dir.appendingPathComponent("campaign.sqlite").path).insertNew(records)
        return records
    }

    /// Moduli from the cell volume, counting calls.
    final class FakeModuli: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var structures: [Structure] = []
        static func value(_ s: Structure) -> (bulk: PropertyValue, shear: PropertyValue) {
            (PropertyValue(mean: 10 * s.volumePerAtom, unit: "GPa"), PropertyValue(mean: 5 * s.volumePerAtom, unit: "GPa"))
        }
        func predictors() -> TargetPredictors {
            TargetPredictors(screening: [:], final: [:]) { s in
                self.lock.withLock { self.structures.append(s) }
                return Self.value(s)
            }
        }
    }

    struct Unfeaturisable: PropertyPredictor {
        var name: String { "unfeaturisable test model" }
        func predict(_ s: Structure) throws -> PropertyValue { throw PropertyError.undefined("cannot featurise \(s.reducedFormula)") }
    }

    func testAPropertyThePredictorCannotComputeIsStoredAsTheReasonAndNotRanked() throws {
        let stored = try storeRelaxed()
        var runner = CampaignRunner(spec: try naCl([try .init(.bandGap, min: 1, use: .probability)]), outputDirectory: dir,
                                    potential: .test(RefusingCalculator()))
        runner.targetPredictors = TargetPredictors(screening: [:], final: [.bandGap: Unfeaturisable()]) { _ in
            throw PropertyError.undefined("no elastic tensor in this test")
        }
        let all = try KnowledgeStore(path: try runner.run().store).all()
        XCTAssertEqual(all.map(\.id), stored.map(\.id))
        for r in all {
            XCTAssertNil(r.rank, r.id)
            XCTAssertEqual(r.propertyErrors?["band_gap"], "property undefined: cannot featurise NaCl", r.id)
            XCTAssertTrue(r.violations?.contains("band_gap unknown: property undefined: cannot featurise NaCl") == true, r.violations ?? "")
            XCTAssertEqual(r.targetProbability, 0)
        }
    }

    /// A band gap of a tenth of the volume per atom (eV, σ 0.1): rock salt 2.24, CsCl 1.80.
    struct VolumeGap: PropertyPredictor {
        var name: String { "volume test gap" }
        func predict(_ s: Structure) throws -> PropertyValue { PropertyValue(mean: s.volumePerAtom / 10, sigma: 0.1, unit: "eV") }
    }

    private func ranked(_ target: CampaignSpec.Target, ranking: CampaignSpec.Ranking = .init(),
                        final: any PropertyPredictor = VolumeGap()) throws -> [CandidateRecord] {
        try? FileManager.default.removeItem(at: dir)
        _ = try storeRelaxed()
        var spec = try naCl([target])
        spec.ranking = ranking
        var runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(RefusingCalculator()))
        runner.targetPredictors = TargetPredictors(screening: [:], final: [.bandGap: final]) { _ in
            throw PropertyError.undefined("no elastic tensor in this test")
        }
        return try KnowledgeStore(path: try runner.run().store).all().filter { $0.rank != nil }.sorted { $0.rank! < $1.rank! }
    }

    func testProbabilityTargetsOrderTheWeightedRankingWithinAStabilityClass() throws {
        let small = try ranked(try .init(.bandGap, max: 2, use: .probability))
        let large = try ranked(try .init(.bandGap, min: 2, use: .probability))
        let target = try CampaignSpec.Target(.bandGap, max: 2, use: .probability)
        for ranked in [small, large] {
            XCTAssertEqual(ranked.count, 3)
            XCTAssertEqual(ranked.last?.stability, .unstable, "the stability class still comes first")
            XCTAssertGreaterThan(ranked[0].targetProbability!, ranked[1].targetProbability!)
        }
        XCTAssertEqual(small[0].id, "substitution-0-0001", "CsCl's smaller gap meets ≤ 2 eV")
        XCTAssertEqual(large[0].id, "substitution-0-0000", "rock salt's larger gap meets ≥ 2 eV")
        XCTAssertEqual(small[0].targetProbability!, target.probability(try VolumeGap().predict(try small[0].structure(relaxed: true))), accuracy: 1e-12)
    }

    /// A learned final predictor leaves its TreeSHAP explanation (five largest contributions) in the
    /// store and in the report; a predictor without one leaves none.
    func testLearnedTargetsAreExplainedInStoreAndReport() throws {
        let target = try CampaignSpec.Target(.bandGap, min: 2, use: .probability)
        let learned = try LearnedPropertyPredictor(property: .bandGap, features: .structure)
        for r in try ranked(target, final: learned) {
            let e = try XCTUnwrap(r.explanations?["band_gap"], r.id)
            XCTAssertEqual(e.contributions.count, 5)
            XCTAssertEqual(max(0, e.prediction), r.properties!["band_gap"]!.mean, accuracy: 1e-9, "the explained value is the unclipped mean")
            XCTAssertTrue(zip(e.contributions, e.contributions.dropFirst()).allSatisfy { abs($0.contribution) >= abs($1.contribution) })
        }
        let report = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("why (TreeSHAP, eV)"), "the report explains the learned target")
        XCTAssertTrue(try ranked(target).allSatisfy { $0.explanations == nil })
    }

    func testParetoFrontsOverATargetObjective() throws {
        let target = try CampaignSpec.Target(.bandGap, min: 2, use: .probability)
        let ranked = try ranked(target, ranking: .init(method: .pareto, objectives: [.eHull, .target(.bandGap)]))
        let points = ranked.map { [$0.energyAboveHull!, 1 - target.probability($0.properties!["band_gap"]!)] }
        for (f, front) in ParetoRanking.fronts(points).enumerated() {
            for i in front { XCTAssertEqual(ranked[i].paretoFront, f + 1, ranked[i].id) }
        }
        let report = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(report.contains("1 − P(band_gap ≥ 2.0 eV)"), "the Pareto plot's axis names the target")
    }

    func testElasticOnlyForStableUniqueCandidatesAndNotRepeatedOnResume() throws {
        _ = try storeRelaxed()
        let spec = try naCl([try .init(.bulkModulus, min: 0, use: .constraint), try .init(.density, min: 0)])
        let moduli = FakeModuli()
        var runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(RefusingCalculator()))
        runner.targetPredictors = moduli.predictors()
        let summary = try runner.run()
        let store = try KnowledgeStore(path: summary.store)
        let all = try store.all()
        let survivors = all.filter { $0.isUnique == true && $0.energyAboveHull! <= spec.stabilityThreshold }
        XCTAssertEqual(survivors.count, 2, "rock salt and CsCl are on the hull, zinc blende far above")
        XCTAssertEqual(moduli.structures.count, survivors.count, "one elastic calculation per survivor")
        for r in all {
            let bulk = r.properties?["bulk_modulus"]
            if survivors.contains(where: { $0.id == r.id }) {
                XCTAssertEqual(bulk, FakeModuli.value(try r.structure(relaxed: true)).bulk, r.id)
                XCTAssertNotNil(r.rank, r.id)
                XCTAssertEqual(r.targetProbability, 1, "both targets met with σ 0")
            } else {
                XCTAssertNil(bulk, r.id)
                XCTAssertNil(r.rank, "no modulus, not ranked")
                XCTAssertTrue(r.violations?.contains("bulk_modulus unknown") == true, r.violations ?? "")
            }
            XCTAssertEqual(r.properties?["density"]?.mean ?? .nan, try r.structure(relaxed: true).density, accuracy: 1e-9)
        }
        let csv = try String(contentsOfFile: summary.csv, encoding: .utf8)
        XCTAssertTrue(csv.split(separator: "\n")[0].hasSuffix("bulk_modulus_mean,bulk_modulus_sigma,bulk_modulus_p,density_mean,density_sigma,density_p,p_targets"))
        let report = try String(contentsOfFile: summary.report, encoding: .utf8)
        XCTAssertTrue(report.contains("<h2 id=\"targets\">Targets</h2>"))

        // A run killed during the elastic stage keeps what finished: drop the second survivor's
        // moduli as if the kill came before it was stored, then resume.
        var unfinished = try XCTUnwrap(survivors.last)
        unfinished.properties = nil
        try store.update(unfinished)
        let resumed = FakeModuli()
        runner.targetPredictors = resumed.predictors()
        _ = try runner.run()
        XCTAssertEqual(resumed.structures.count, 1, "only the unfinished elastic calculation runs again")
        XCTAssertEqual(resumed.structures.first, try unfinished.structure(relaxed: true))
        let after = try store.all()
        for r in survivors {
            XCTAssertEqual(after.first { $0.id == r.id }?.properties?["bulk_modulus"], r.properties?["bulk_modulus"], r.id)
        }
    }
}
