import ArgumentParser
import Crystal
import Foundation
import Synthesis

/// `kiln synthesizability FORMULA|FILE… [--json] [--model FILE]`: the learned synthesizability score
/// with its verdict, SMACT charge balance, the most plausible oxidation states and, for structures,
/// the bond-valence sums and global instability index.
struct SynthesizabilityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesizability",
        abstract: "Synthesizability of compositions or structures: learned PU score, charge balance, oxidation states, bond valence.",
        discussion: """
            Each argument is a structure file (or folder) when such a path exists, else a formula (e.g. LiCoO2). \
            Score: the shipped model (docs/synthesis.md: PU bagging of gradient-boosted trees on Magpie and \
            oxidation features, Materials Project compositions against generated ones; a ranking score in [0, 1]) \
            with its verdict at the model's threshold. Charge balance: SMACT's test with the ICSD-24 oxidation \
            states and the Pauling test (all-metal compositions pass as alloys). Oxidation states: the neutral \
            assignment most probable under ICSD frequencies, its probability and the probability that states \
            drawn per element are neutral. Structures add pymatgen BVAnalyzer's states, the bond-valence sum per \
            site, the global instability index, and the deviation index: the RMS over sites of how many ICSD \
            standard deviations each sum is from the ICSD mean of its ion (plausible at most 3). A bad formula, an \
            unreadable file or an element outside the model's training data stops with an error naming it.
            """)

    @Argument(help: "Formulas or structure files/folders.")
    var inputs: [String]

    @Option(help: "A model file written by `kiln train synthesizability` (default: the shipped model).")
    var model: String?

    @Flag(help: "Print one JSON array with a record per input.")
    var json = false

    func run() throws {
        let m = try model.map { path in try CommandError.naming(path) { try SynthesizabilityModel(contentsOf: URL(fileURLWithPath: path)) } }
            ?? SynthesizabilityModel.shipped()
        var scored: [(String, SynthesizabilityScore)] = []
        for input in inputs {
            if FileManager.default.fileExists(atPath: input) {
                for entry in try StructureInput.load([input]) {
                    scored.append((entry.name, try CommandError.naming(entry.name) { try m.score(entry.structure) }))
                }
            } else {
                let composition: Composition
                do { composition = try Composition(input) } catch {
                    throw CommandError("'\(input)' is neither a file nor a formula: \(describe(error))")
                }
                scored.append((input, try CommandError.naming(input) { try m.score(composition) }))
            }
        }
        if json {
            print(try jsonText(scored.map { Self.record($0.0, $0.1) }))
        } else {
            for (name, s) in scored { print(Self.text(name, s)) }
        }
    }

    static func record(_ name: String, _ s: SynthesizabilityScore) -> [String: Any] {
        var r: [String: Any] = [
            "input": name, "formula": s.composition.reducedFormula, "score": s.score, "threshold": s.threshold,
            "synthesizable": s.isSynthesizable, "charge_balanced": s.chargeBalanced,
            "oxidation_neutral_probability": s.oxidation.neutralProbability,
            "oxidation_assignment_probability": s.oxidation.assignmentProbability,
        ]
        if let a = s.oxidationStates {
            r["oxidation_states"] = Dictionary(uniqueKeysWithValues: zip(a.elements.map(\.symbol), a.oxidationStates))
        }
        switch s.bondValence {
        case .success(let bv)?:
            r["bond_valence"] = [
                "oxidation_states": bv.oxidationStates, "sums": bv.sums, "global_instability_index": bv.globalInstabilityIndex,
                "deviation_index": bv.deviationIndex, "threshold": BondValencePlausibility.threshold, "plausible": bv.isPlausible,
            ] as [String: Any]
        case .failure(let error)?: r["bond_valence"] = ["error": error.description]
        case nil: break
        }
        return r
    }

    static func text(_ name: String, _ s: SynthesizabilityScore) -> String {
        let verdict = s.isSynthesizable ? "synthesizable" : "NOT synthesizable"
        var lines = [String(format: "%@ (%@): score %.3f (threshold %.2f): %@", name, s.composition.reducedFormula, s.score, s.threshold, verdict)]
        let states = s.oxidationStates.map { String(format: "%@ (probability %.3g)", $0.description, s.oxidation.assignmentProbability) } ?? "no neutral assignment"
        lines.append("  charge balanced: \(s.chargeBalanced ? "yes" : "no"); oxidation states: \(states); "
            + String(format: "neutral probability %.3g", s.oxidation.neutralProbability))
        switch s.bondValence {
        case .success(let bv)?:
            lines.append(String(format: "  bond valence: deviation index %.2f σ (%@ at ≤ %.0f σ), GII %.3f v.u.; states ", bv.deviationIndex,
                                bv.isPlausible ? "plausible" : "IMPLAUSIBLE", BondValencePlausibility.threshold, bv.globalInstabilityIndex)
                + bv.oxidationStates.map { String(format: "%+d", $0) }.joined(separator: " "))
        case .failure(let error)?: lines.append("  bond valence: \(error.description)")
        case nil: break
        }
        return lines.joined(separator: "\n")
    }
}
