import Crystal
import Foundation
import KilnSupport
import Learning
import ReferenceData

/// The positive–unlabelled compositions of the synthesizability model, split by `DataSplit` on the
/// reduced formula (pymatgen's, e.g. "LiCoO2"), so a formula is in one part only.
///
/// Positives: every distinct reduced composition of the bundled Materials Project tables
/// (`MPEnergyTable` and `MPKnownFormulas`). Unlabelled: hypothetical compositions made by
/// `CompositionGenerator` from the training positives, none of them a known composition; the
/// training part has `recipe.unlabelledRatio` per training positive (the pool the bagged members
/// draw from), validation and test `recipe.evaluationRatio` per positive of their part.
public struct SynthesizabilityDataset: Sendable {
    /// Positives and unlabelled compositions of one part.
    public struct Part: Sendable {
        public var positives: [Composition] = []
        public var unlabelled: [Composition] = []
    }

    public var training = Part(), validation = Part(), test = Part()
    /// SHA-256 (hex) of the parts' formulas in order ("P"/"U", part, formula per line): the data version.
    public var fingerprint: String
    /// Symbols of the elements of the training positives (generated formulas use only these).
    public var trainingElements: [String]

    /// Builds the data set of `recipe` from the bundled tables.
    public init(recipe: SynthesizabilityRecipe) throws {
        try self.init(known: Self.knownCompositions(), recipe: recipe)
    }

    /// Builds a data set from given known compositions (tests use small ones).
    public init(known: [Composition], recipe: SynthesizabilityRecipe) throws {
        var knownFormulas = Set<String>()
        for c in known {
            let f = c.reducedFormula
            guard knownFormulas.insert(f).inserted else { continue }
            switch DataSplit(id: f) {
            case .training: training.positives.append(c.reduced)
            case .validation: validation.positives.append(c.reduced)
            case .test: test.positives.append(c.reduced)
            }
        }
        guard !training.positives.isEmpty, !validation.positives.isEmpty, !test.positives.isEmpty else {
            throw SynthesisError("a split of the known compositions is empty (\(training.positives.count) training, "
                                 + "\(validation.positives.count) validation, \(test.positives.count) test)")
        }
        var generator = try CompositionGenerator(templates: training.positives, known: knownFormulas)
        var quota: [DataSplit: Int] = [
            .training: recipe.unlabelledRatio * training.positives.count,
            .validation: recipe.evaluationRatio * validation.positives.count,
            .test: recipe.evaluationRatio * test.positives.count,
        ]
        var rng = SeededGenerator(seed: recipe.seed)
        var draws = 0
        let maxDraws = 100 * quota.values.reduce(0, +) + 100_000
        while quota.values.contains(where: { $0 > 0 }) {
            draws += 1
            guard draws <= maxDraws else {
                throw SynthesisError("could not generate enough distinct unknown compositions in \(maxDraws) draws")
            }
            guard let (formula, c) = generator.next(using: &rng) else { continue }
            let part = DataSplit(id: formula)
            guard quota[part]! > 0 else { continue }
            quota[part]! -= 1
            generator.accept(formula)
            switch part {
            case .training: training.unlabelled.append(c)
            case .validation: validation.unlabelled.append(c)
            case .test: test.unlabelled.append(c)
            }
        }
        var text = ""
        for (name, part) in [("training", training), ("validation", validation), ("test", test)] {
            for c in part.positives { text += "P\t\(name)\t\(c.reducedFormula)\n" }
            for c in part.unlabelled { text += "U\t\(name)\t\(c.reducedFormula)\n" }
        }
        fingerprint = SHA256.hex(text)
        trainingElements = generator.elements.map(\.symbol)
    }

    /// The distinct reduced compositions of the bundled MP tables, in table order.
    public static func knownCompositions() throws -> [Composition] {
        var out: [Composition] = []
        var seen = Set<String>()
        let formulas = try MPEnergyTable.rows().map { String($0.formula) } + MPKnownFormulas.rows().map(\.formula)
        for f in formulas {
            let c: Composition
            do { c = try Composition(f) } catch { throw SynthesisError("bundled MP formula '\(f)': \(error)") }
            if seen.insert(c.reducedFormula).inserted { out.append(c.reduced) }
        }
        return out
    }
}
