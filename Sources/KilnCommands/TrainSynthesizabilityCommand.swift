import ArgumentParser
import Foundation
import Synthesis

/// `kiln train synthesizability [--seed S] [--members N] [--rounds N] [--out DIR] [--metrics FILE]`:
/// trains the PU synthesizability model on the bundled Materials Project compositions.
struct TrainSynthesizabilityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synthesizability",
        abstract: "Train the synthesizability model (PU bagging on MP compositions against generated ones).",
        discussion: """
            Positives: the distinct reduced compositions of the bundled MP tables. Unlabelled: compositions \
            generated like SynthNN's, matched to the positives' element counts, stoichiometries and element \
            frequencies, none of them known (docs/synthesis.md): 2 per training positive, 20 per validation and \
            test positive. Split: SHA-256 of the reduced formula (tenth 0 test, 1 validation). Each member is a \
            logistic gradient-boosted tree model of all training positives against its own bootstrap sample of the \
            unlabelled (PU bagging, Mordelet & Vert), stopped early on validation; the threshold is the one of \
            largest validation F1; precision, recall and F1 are measured on the test part next to charge balance \
            alone. Writes DIR/synthesizability.json.gz; deterministic for a seed.
            """)

    @Option(help: "Random seed (generated compositions, bootstrap samples, feature draws).")
    var seed: UInt64 = 0

    @Option(help: "Bagged members.")
    var members = 5

    @Option(help: "Most boosting rounds per member (early stopping may end sooner).")
    var rounds = 300

    @Option(help: "Output directory.")
    var out = "kiln-models"

    @Option(help: "Also write the metrics as JSON to this file.")
    var metrics: String?

    func validate() throws {
        guard members >= 1 else { throw ValidationError("--members must be at least 1") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    func run() throws {
        var recipe = SynthesizabilityRecipe()
        recipe.seed = seed
        recipe.members = members
        recipe.boosting.maxRounds = rounds
        let bar = ProgressBar(), start = Date()
        let model = try SynthesizabilityTrainer(recipe: recipe).train { p in
            let elapsed = Date().timeIntervalSince(start)
            switch p {
            case .featurising(let done, let total):
                bar.update(done: done, total: total, elapsed: elapsed, detail: "features")
            case .boosting(let member, let members, let b):
                guard b.round % 10 == 0 else { return }
                let validation = b.validationLoss.map { String(format: " validation %.5f (best round %d)", $0, b.bestRound) } ?? ""
                bar.update(done: member, total: members, elapsed: elapsed,
                           detail: String(format: "member %d round %d loss %.5f", member + 1, b.round, b.trainingLoss) + validation)
            }
        }
        bar.finish()
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("synthesizability.json.gz")
        try model.write(to: url)
        if let metrics {
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            struct Summary: Encodable { var recipe: SynthesizabilityRecipe; var dataFingerprint: String; var metrics: SynthesizabilityMetrics }
            try e.encode(Summary(recipe: model.recipe, dataFingerprint: model.dataFingerprint, metrics: model.metrics))
                .write(to: URL(fileURLWithPath: metrics), options: .atomic)
        }
        print(Self.summary(model.metrics))
        print("wrote \(url.path)")
    }

    static func summary(_ m: SynthesizabilityMetrics) -> String {
        func row(_ name: String, _ c: SynthesizabilityMetrics.Classification?) -> String {
            guard let c else { return "  \(name): –" }
            return String(format: "  %@: precision %.3f, recall %.3f, F1 %.3f", name, c.precision, c.recall, c.f1)
        }
        return [
            "synthesizability: \(m.trainingPositives) training positives, \(m.trainingUnlabelled) unlabelled; test \(m.testPositives) positives, "
                + "\(m.testUnlabelled) generated; rounds \(m.rounds.map(String.init).joined(separator: "/")); " + String(format: "%.0f s", m.trainingSeconds),
            String(format: "  threshold %.2f (validation F1 %.3f); test ROC-AUC %.4f", m.threshold, m.validationF1, m.rocAUC),
            row("model at threshold", m.model), row("model at 0.5", m.modelAtHalf),
            row("charge balance (ICSD-24 states)", m.chargeBalanceICSD24), row("charge balance (common states)", m.chargeBalanceCommon),
        ].joined(separator: "\n")
    }
}
