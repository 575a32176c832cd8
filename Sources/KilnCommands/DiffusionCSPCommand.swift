import ArgumentParser
import Crystal
import CrystalIO
import Diffusion
import Evaluation
import Foundation
import KilnSupport

/// `kiln benchmark diffusion-csp --model M --test SET [--samples K] [--limit N]`: CDVAE's / DiffCSP's
/// structure-prediction benchmark for a diffusion model.
struct DiffusionCSPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diffusion-csp",
        abstract: "Crystal structure prediction match rate and RMSE of a diffusion model on a held-out set (CDVAE's protocol).",
        discussion: """
            For every crystal of SET (a bundled split or a CDVAE CSV; the first --limit with --limit) the model \
            predicts --samples structures for its composition. A crystal counts as matched when a valid sample \
            matches it with StructureMatcher(stol 0.5, angle_tol 10, ltol 0.3); its RMSE is the best matching \
            sample's normalised rms displacement; the reported RMSE is the mean over matched crystals (DiffCSP's \
            one-sample and twenty-sample figures use --samples 1 and 20). Writes OUT/csp.json and OUT/predictions.extxyz.
            """)

    @OptionGroup var diffusion: DiffusionModelOptions

    @Option(help: "Held-out set (bundled split name or CDVAE CSV).")
    var test: String

    @Option(help: "Samples per composition.")
    var samples = 1

    @Option(help: "Use the first N crystals of the set.")
    var limit: Int?

    @Option(help: "Output directory.")
    var out: String

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        let model = try diffusion.load()
        var set = try CommandError.naming(test) { try DiffusionDataset.load(test) }
        if let limit { set = Array(set.prefix(limit)) }
        let targets = try set.map { try $0.structure() }
        var sampling = diffusion.sampling(for: model, csp: true)
        let seed = sampling.seed
        let start = Date()
        var predictions: [[DiffusionCrystal]] = []
        let bar = ProgressBar()
        for k in 0..<samples {
            sampling.seed = seed &+ UInt64(k) &* 0x51_7CC1
            do { predictions.append(try model.predictStructures(for: set.map(\.numbers), sampling: sampling)) } catch let error as DiffusionError {
                throw CommandError(describe(error))
            }
            bar.update(done: k + 1, total: samples, elapsed: Date().timeIntervalSince(start), detail: "samples of \(set.count) compositions")
        }
        bar.finish()
        let sampleSeconds = Date().timeIntervalSince(start)
        let structures = set.indices.map { i in predictions.map { try? $0[i].structure() } }
        let score = MultiSampleReconstruction(samples: structures, targets: targets)
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try StructureFile.write(structures.joined().compactMap { $0 }, to: directory.appendingPathComponent("predictions.extxyz"))
        let record: [String: Any] = [
            "model": diffusion.model, "test": test, "crystals": set.count, "samples": samples, "step_size": sampling.stepSize, "seed": seed,
            "match_rate": score.matchRate, "rmse": score.meanRMS ?? NSNull(), "matched": score.matched,
            "invalid_samples": score.invalidSamples, "sampling_seconds": sampleSeconds,
        ]
        try Data(try jsonText(record).utf8).write(to: directory.appendingPathComponent("csp.json"))
        print(String(format: "%@ on %@: match rate %.2f %% (%d of %d, %d sample%@), RMSE %@; %d invalid samples; sampling %.0f s",
                     diffusion.model, test, 100 * score.matchRate, score.matched, set.count, samples, samples == 1 ? "" : "s",
                     score.meanRMS.map { String(format: "%.4f", $0) } ?? "n/a", score.invalidSamples, sampleSeconds))
    }
}
