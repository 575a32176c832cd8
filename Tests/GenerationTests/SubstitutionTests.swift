import Crystal
import Foundation
import Generation
import ReferenceData
import XCTest

final class SubstitutionTests: XCTestCase {
    /// pymatgen 2026.10.24 `SubstitutionProbability` values for the default λ table.
    func testProbabilitiesMatchPymatgen() throws {
        let model = try SubstitutionProbability.standard()
        XCTAssertEqual(model.z, 72349.11203856651, accuracy: 1e-6)
        let cases: [(String, String, Double, Double)] = [
            ("Mn3+", "Co3+", 0.03569579955326895, 1.87424), ("Li+", "Li+", 0.22502619856783398, 5.54356),
            ("O2-", "O2-", 0.8394021152228798, 9.52404), ("Ni2+", "Mg2+", 0.03072171736313647, 2.93375),
            ("Mn4+", "Ti4+", 0.024201599150181018, 1.98496), ("Zr4+", "Mn2+", 0.010495443537509015, 1.7343),
        ]
        for (a, b, p, lambda) in cases {
            let (s1, s2) = (try Species(a), try Species(b))
            XCTAssertEqual(model.conditionalProbability(s1, replacing: s2), p, accuracy: 1e-12 * max(1, p), "\(a) | \(b)")
            XCTAssertEqual(model.lambda(s1, s2), lambda, "\(a) \(b)")
            XCTAssertEqual(model.lambda(s2, s1), lambda, "λ is symmetric")
        }
        XCTAssertEqual(model.lambda(try Species("Ac3+"), try Species("Ag+")), -5, "unobserved pairs get α")
        XCTAssertEqual(model.species.count, 230)
        XCTAssertEqual(model.probability(of: [try Species("Li+"), try Species("Mn3+"), try Species("O2-")],
                                         replacing: [try Species("Li+"), try Species("Co3+"), try Species("O2-")]),
                       0.006742489162241468, accuracy: 1e-15)
    }

    /// Substituting into Li-Mn-O: the LiMO2 parents rank as pymatgen's `Substitutor.pred_from_structures`
    /// ranks them (targets Li+, Mn^n+, O2-, parents decorated Li+/Na+, M3+, O2-; best over n).
    func testLiMnORankingMatchesPymatgen() throws {
        let target = try GenerationTarget(systems: ["Li-Mn-O"])
        let proposals = try SubstitutionGenerator().proposals(for: target)
        XCTAssertGreaterThan(proposals.count, 50)
        XCTAssertEqual(proposals.map(\.probability), proposals.map(\.probability).sorted(by: >), "ranked by probability")
        XCTAssert(proposals.allSatisfy { $0.probability > 1e-3 })
        let expected: [(String, Double)] = [
            ("mp-853240", 0.006742489162241443), ("mp-770635", 0.00634262597367314), ("mp-18782", 0.005503108361325191),
            ("mp-762454", 0.004605402152365565), ("mp-18921", 0.0012785977735688889),
        ]
        let ids = Set(expected.map(\.0))
        let found = proposals.filter { ids.contains($0.parentID) }
        XCTAssertEqual(found.map(\.parentID), expected.map(\.0))
        for (p, (id, prob)) in zip(found, expected) {
            XCTAssertEqual(p.probability, prob, accuracy: 1e-12, id)
            XCTAssertEqual(p.formula, "LiMnO2", id)
        }
        let lco = try XCTUnwrap(found.first)
        XCTAssertEqual(lco.replacements.map { "\($0.from)→\($0.to)" }, ["Li+→Li+", "Co3+→Mn3+", "O2-→O2-"])
        // Hidden formulas are never used as parents.
        var hiding = SubstitutionGenerator()
        hiding.excludedFormulas = ["LiCoO2", "NaCoO2"]
        let hidden = try hiding.proposals(for: target).filter { ids.contains($0.parentID) }
        XCTAssertEqual(hidden.map(\.parentID), ["mp-770635", "mp-18782", "mp-762454"])
    }

    func testCandidatesAreChargeBalancedRescaledAndDeterministic() throws {
        let target = try GenerationTarget(systems: ["Li-Mn-O"])
        let generator = SubstitutionGenerator()
        let a = try generator.generate(target: target, budget: 30, seed: 7)
        let b = try generator.generate(target: target, budget: 30, seed: 7)
        XCTAssertEqual(a.count, 30)
        XCTAssertEqual(a.map(\.structure), b.map(\.structure))
        let mp = try ReferenceStructures.mp()
        var failures: [String] = []
        for c in a {
            let comp = c.structure.composition
            let id = c.provenance.parentID ?? "?"
            if Set(comp.elements.map(\.symbol)) != ["Li", "Mn", "O"] { failures.append("\(id): elements \(comp)") }
            if !ChargeBalance.isNeutral(comp) { failures.append("\(id): \(comp.reducedFormula) not charge balanced") }
            if c.structure.count > 20 { failures.append("\(id): \(c.structure.count) sites") }
            if c.provenance.generator != "substitution" || c.provenance.seed != 7 || c.provenance.substitutions.isEmpty {
                failures.append("\(id): provenance \(c.provenance)")
            }
            // Volume follows the per-element volume estimate of the new composition.
            if let k = mp.index(ofID: id) {
                let parent = mp[k]
                let expected = parent.structure.volume * (try VolumeEstimator.volume(of: comp))
                    / (try VolumeEstimator.volume(of: parent.structure.composition))
                if abs(c.structure.volume / expected - 1) > 1e-4 { failures.append("\(id): volume \(c.structure.volume) vs \(expected)") }
            }
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "; "))
        // Provenance round-trips through JSON with ions as text.
        let json = try JSONEncoder().encode(a[0].provenance)
        XCTAssertEqual(try JSONDecoder().decode(Provenance.self, from: json), a[0].provenance)
        XCTAssert(String(decoding: json, as: UTF8.self).contains("\"to\":\"Mn"), String(decoding: json, as: UTF8.self))
        // Near-duplicates (same formula, coordination and nearest distances) are dropped.
        XCTAssertEqual(Set(a.map { "\($0.provenance.parentID!)" }).count, a.count)

        // Sampling depends on the seed but is reproducible.
        let sampler = SubstitutionGenerator(selection: .sampled)
        let s1 = try sampler.generate(target: target, budget: 10, seed: 1)
        XCTAssertEqual(s1.map(\.structure), try sampler.generate(target: target, budget: 10, seed: 1).map(\.structure))
        XCTAssertNotEqual(s1.map(\.structure), try sampler.generate(target: target, budget: 10, seed: 2).map(\.structure))
    }

    func testHundredCandidatesInSeconds() throws {
        let target = try GenerationTarget(systems: ["Li-Mn-O"])
        _ = try ReferenceStructures.mp()
        let start = Date()
        let candidates = try SubstitutionGenerator().generate(target: target, budget: 100, seed: 3)
        let seconds = Date().timeIntervalSince(start)
        print("substitution: 100 Li-Mn-O candidates in \(String(format: "%.2f", seconds)) s")
        XCTAssertEqual(candidates.count, 100)
        XCTAssertLessThan(seconds, 30)
    }
}
