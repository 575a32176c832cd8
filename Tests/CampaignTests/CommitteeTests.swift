@testable import Campaign
import Crystal
import CrystalIO
import Evaluation
import Foundation
import Potentials
import XCTest

/// Committee judgements on relaxed candidates: CHGNet is the only real model, so the members are
/// CHGNet moved by a constant per atom — the committee logic is real, the disagreement is made.
/// The candidates are stored as relaxed with CHGNet's energies, and the main potential refuses
/// every structure, so nothing is relaxed here.
final class CommitteeTests: XCTestCase {
    private var dir: URL!
    private static let chgnet = Result { try CHGNet() }

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("kiln-committee-\(UUID())")
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func spec(requireAgreement: Bool = false) throws -> CampaignSpec {
        var spec = try CampaignSpec(name: "committee", chemicalSystems: [[try Element("Na"), try Element("Cl")]],
                                    generators: [.init(kind: .substitution, budget: 3, seed: 1)], maxAtoms: 8,
                                    stabilityMargin: .fixed(0), relaxSteps: 20)
        // The registry has one model, so the agreement rule is set on a spec whose committee is the runner's.
        spec.requireAgreement = requireAgreement
        return spec
    }

    /// Rock salt and CsCl-type NaCl (near MP's hull by CHGNet) and zinc blende (far above), stored as
    /// relaxed with CHGNet's single-point energies, under the ids the substitution generator uses.
    private func storeRelaxed() throws -> [CandidateRecord] {
        let (na, cl) = (try Element("Na"), try Element("Cl"))
        let fcc = Lattice([[0, 2.82, 2.82], [2.82, 0, 2.82], [2.82, 2.82, 0]])
        let cells = [
            Structure(lattice: fcc, species: [na, cl], fracCoords: [[0, 0, 0], [0.5, 0.5, 0.5]]),
            Structure(lattice: .cubic(3.3), species: [na, cl], fracCoords: [[0, 0, 0], [0.5, 0.5, 0.5]]),
            Structure(lattice: fcc, species: [na, cl], fracCoords: [[0, 0, 0], [0.25, 0.25, 0.25]]),
        ]
        let chgnet = try Self.chgnet.get()
        let records = try cells.enumerated().map { i, s -> CandidateRecord in
            var r = CandidateRecord(id: String(format: "substitution-0-%04d", i), ordinal: i, generator: "substitution-0", parent: nil,
                                    seed: 1, substitution: nil, formula: s.reducedFormula, nSites: s.count, nElements: 2,
                                    initialStructure: StructureCoding.encode(s))
            r.status = .relaxed
            r.relaxOutcome = "converged"
            r.relaxSteps = 1
            r.finalEnergyPerAtom = try chgnet.calculate(s, properties: .energy).energy / Double(s.count)
            r.relaxedStructure = r.initialStructure
            return r
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try KnowledgeStore(path: dir.appendingPathComponent("campaign.sqlite").path).insertNew(records)
        return records
    }

    private func run(_ spec: CampaignSpec, committee: [LoadedPotential]) throws -> (CampaignSummary, [CandidateRecord]) {
        var runner = CampaignRunner(spec: spec, outputDirectory: dir, potential: .test(RefusingCalculator(), name: "main"), committee: committee)
        runner.workers = 1
        let summary = try runner.run()
        return (summary, try KnowledgeStore(path: summary.store).candidates(status: .relaxed))
    }

    /// Tolerance (eV/atom) for E_hulls from the same energies by two routes (double-precision hulls).
    private let sameEnergyTolerance = 1e-9
    /// The shift that flips a near-hull verdict: far more than the 0.1 eV/atom threshold.
    private let flip = 0.3

    func testEachModelIsJudgedAndTheSpreadIsTheVerdictsUncertainty() throws {
        _ = try storeRelaxed()
        let chgnet = try Self.chgnet.get()
        let same = ShiftedCalculator(chgnet, shift: 0), high = ShiftedCalculator(chgnet, shift: flip)
        let corrected = LoadedPotential.test(ShiftedCalculator(chgnet, shift: 0), name: "raw", mp2020Corrections: true)
        let (summary, relaxed) = try run(try spec(), committee: [.test(same, name: "same"), .test(high, name: "high"), corrected])
        XCTAssertEqual(relaxed.count, 3)
        XCTAssertEqual(same.calls, 3, "one single point per relaxed candidate")
        for r in relaxed {
            let judged = try XCTUnwrap(r.committee, r.id)
            XCTAssertEqual(judged.map(\.model), ["main", "same", "high", "raw"], "the relaxing model first, then the committee in order")
            let (main, s, h) = (judged[0], judged[1], judged[2])
            XCTAssertEqual(main.energyAboveHull, r.energyAboveHull)
            XCTAssertEqual(main.stability, r.stability, "without require_agreement the campaign's verdict is the relaxing model's")
            XCTAssertEqual(s.energyPerAtom!, r.finalEnergyPerAtom!, accuracy: sameEnergyTolerance)
            XCTAssertEqual(s.energyAboveHull!, main.energyAboveHull!, accuracy: sameEnergyTolerance, "\(r.id): same energies, same E_hull")
            XCTAssertEqual(h.energyPerAtom!, r.finalEnergyPerAtom! + flip, accuracy: sameEnergyTolerance)
            XCTAssertGreaterThan(h.energyAboveHull!, main.energyAboveHull!, r.id)
            let eHulls = judged.map { $0.energyAboveHull! }
            XCTAssertEqual(r.energyAboveHullSpread!, eHulls.max()! - eHulls.min()!, accuracy: 1e-12)
            // Each member's verdict is the campaign's one rule applied to its own E_hull.
            for j in judged {
                XCTAssertEqual(j.stability, VerdictRules.campaign.stabilityLevel(energyAboveHull: j.energyAboveHull, converged: true, margin: 0), "\(r.id) \(j.model)")
            }
            XCTAssertEqual(r.committeeStable, judged.allSatisfy { $0.stability == .stable })
            XCTAssertEqual(r.verdictDependsOnModel, Set(judged.map { $0.stability == .stable }).count > 1)
        }
        let rockSalt = try XCTUnwrap(relaxed.first { $0.id == "substitution-0-0000" })
        XCTAssertEqual(rockSalt.isStable, true, "CHGNet puts rock salt on MP's hull")
        XCTAssertEqual(rockSalt.verdictDependsOnModel, true, "0.3 eV/atom higher, it is not stable")
        let zincBlende = try XCTUnwrap(relaxed.first { $0.id == "substitution-0-0002" })
        XCTAssertEqual(zincBlende.verdictDependsOnModel, false, "far above the hull for every model")

        // A model trained on raw energies gets MP2020's Cl correction, which puts NaCl well below
        // MP's hull: rock salt defines that model's hull and the others sit above it by their
        // energy difference. Uncorrected, MP's own NaCl sets the relaxing model's hull.
        XCTAssertEqual(rockSalt.judgement("raw")!.energyAboveHull!, 0, accuracy: sameEnergyTolerance)
        for r in relaxed where r.id != rockSalt.id {
            XCTAssertEqual(r.judgement("raw")!.energyAboveHull!, r.finalEnergyPerAtom! - rockSalt.finalEnergyPerAtom!, accuracy: 1e-6, r.id)
        }
        XCTAssertGreaterThan(rockSalt.energyAboveHull!, 1e-3, "CHGNet's rock salt sits just above MP's NaCl")

        let c = try XCTUnwrap(summary.committee)
        XCTAssertEqual(c.models.count, 4)
        XCTAssertFalse(c.requireAgreement)
        XCTAssertEqual(c.modelDependent, relaxed.filter { $0.verdictDependsOnModel == true }.count)
        XCTAssertLessThanOrEqual(c.sunAgreed, c.sunSingleModel)
        XCTAssertEqual(summary.sun, c.sunSingleModel, "the headline SUN is the relaxing model's without require_agreement")

        let header = try String(contentsOfFile: summary.csv, encoding: .utf8).split(separator: "\n")[0].split(separator: ",").map(String.init)
        for column in ["model", "e_above_hull_spread", "committee_stable", "verdict_depends_on_model", "e_above_hull_main", "e_above_hull_same", "e_above_hull_high", "e_above_hull_raw"] {
            XCTAssertTrue(header.contains(column), column)
        }
        let report = try String(contentsOfFile: summary.report, encoding: .utf8)
        XCTAssertTrue(report.contains("model-dependent</span></td>"), "the rock salt row carries the badge")
        XCTAssertTrue(report.contains("whose stable verdict changes with the model"))
        XCTAssertTrue(summary.funnel.contains { $0.stage.hasPrefix("SUN with all 4 models agreeing") })
    }

    func testRequireAgreementDemotesACandidateOnlyItsOwnModelFindsStable() throws {
        _ = try storeRelaxed()
        let high = LoadedPotential.test(ShiftedCalculator(try Self.chgnet.get(), shift: flip), name: "high")
        let (summary, relaxed) = try run(try spec(requireAgreement: true), committee: [high])
        XCTAssertEqual(summary.committee?.requireAgreement, true)
        let flipped = relaxed.filter { $0.stableByModel == true && $0.committeeStable == false }
        XCTAssertFalse(flipped.isEmpty, "the shift must flip a stable verdict")
        for r in relaxed {
            let own = try XCTUnwrap(r.committee?.first?.stability, r.id)
            if flipped.contains(where: { $0.id == r.id }) {
                XCTAssertEqual(r.stability, .possiblyStable, "\(r.id): stable by its own model only")
                XCTAssertEqual(r.isStable, false)
            } else {
                XCTAssertEqual(r.stability, own, r.id)
            }
        }
        XCTAssertEqual(summary.sun, summary.committee?.sunAgreed, "the headline SUN needs every model")
        let stableLine = try XCTUnwrap(summary.funnel.first { $0.stage.hasPrefix("stable (") })
        XCTAssertEqual(stableLine.count, relaxed.filter { $0.committeeStable == true }.count)
    }

    func testSinglePointsAreStoredAndNotRepeatedAndAFailingMemberCannotConfirm() throws {
        _ = try storeRelaxed()
        let chgnet = try Self.chgnet.get()
        let store = try KnowledgeStore(path: dir.appendingPathComponent("campaign.sqlite").path)
        func runner(_ committee: [LoadedPotential]) throws -> CampaignRunner {
            CampaignRunner(spec: try spec(), outputDirectory: dir, potential: .test(RefusingCalculator(), name: "main"), committee: committee)
        }
        let same = ShiftedCalculator(chgnet, shift: 0)
        try runner([.test(same, name: "same")]).committeeSinglePoints(store, saveElapsed: {})
        XCTAssertEqual(same.calls, 3)

        // Resumed with one more member: only the new member's single points run; a failure is kept.
        let again = ShiftedCalculator(chgnet, shift: 0), refusing = RefusingCalculator()
        let both = try runner([.test(again, name: "same"), .test(refusing, name: "refusing")])
        try both.committeeSinglePoints(store, saveElapsed: {})
        XCTAssertEqual(again.calls, 0, "stored single points are not repeated")
        XCTAssertEqual(refusing.calls, 3)
        try both.committeeSinglePoints(store, saveElapsed: {})
        XCTAssertEqual(refusing.calls, 3, "a failed single point is not retried")
        for r in try store.candidates(status: .relaxed) {
            XCTAssertEqual(r.judgement("same")?.energyPerAtom ?? .nan, r.finalEnergyPerAtom!, accuracy: sameEnergyTolerance)
            let failed = try XCTUnwrap(r.judgement("refusing"))
            XCTAssertNil(failed.energyPerAtom)
            XCTAssertTrue(failed.error?.contains("no energies") == true, failed.error ?? "")
            // Scored, a model without an E_hull cannot confirm stability, and the spread is over the others.
            var scored = r
            scored.energyAboveHull = 0.02
            let judged = try XCTUnwrap(both.judgements(scored, level: .stable, memberEHulls: [0.05, nil], margin: 0))
            scored.committee = judged.judgements
            XCTAssertEqual(judged.judgements.map(\.stability), [.stable, .stable, nil])
            XCTAssertEqual(judged.spread!, 0.03, accuracy: 1e-12)
            XCTAssertEqual(scored.committeeStable, false)
            XCTAssertEqual(scored.verdictDependsOnModel, true)
        }
    }
}
