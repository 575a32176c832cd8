import ArgumentParser
import Crystal
import CrystalIO
import Diffusion
import Evaluation
import Foundation
import KilnSupport

/// `kiln generate --model M (--num N | --csp …) --out DIR`: samples a diffusion model.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Sample crystals from a diffusion model: de novo, or structures for given compositions (--csp).",
        discussion: """
            --model is a shipped model's name (\(DiffusionModel.bundledNames.joined(separator: ", "))) or a \
            model.safetensors written by `kiln train diffusion`. De novo: --num N crystals, atom counts drawn \
            from the training set; --elements restricts and conditions the chemistry when the model was trained \
            with --condition-system. Structure prediction: --csp with --formula (repeatable; atoms as written, \
            e.g. SrTiO3 is 5 atoms) or --from (a bundled split, a CDVAE CSV or structure files: their \
            compositions), --samples K per composition. --condition NAME=VALUE steers towards a property the \
            model was trained on, --guidance G its strength (classifier-free guidance; 1 = plain conditional). \
            Writes DIR/generated.extxyz (every sample in order: composition-major with --csp, so `kiln evaluate \
            DIR/generated.extxyz --ground-truth SET` scores --samples 1 runs), DIR/cif/ and DIR/generated.csv.
            """)

    @OptionGroup var diffusion: DiffusionModelOptions

    @Option(help: "De novo: number of crystals.")
    var num: Int?

    @Flag(help: "Crystal structure prediction for given compositions.")
    var csp = false

    @Option(help: "With --csp: a composition (repeatable).")
    var formula: [String] = []

    @Option(help: "With --csp: compositions from a bundled split, a CDVAE CSV or structure files.")
    var from: String?

    @Option(help: "With --csp: samples per composition.")
    var samples = 1

    @Option(help: "Chemical system to condition on, e.g. Ba,Ti,O (needs a model trained with --condition-system).")
    var elements: String?

    @Option(help: "Property target NAME=VALUE (needs a model trained with --condition-property NAME).")
    var condition: String?

    @Option(help: "Classifier-free guidance scale.")
    var guidance = 1.0

    @Option(help: "Output directory.")
    var out: String

    func validate() throws {
        if csp {
            guard formula.isEmpty != (from == nil) else { throw ValidationError("--csp needs --formula or --from (one of them)") }
            guard num == nil else { throw ValidationError("--num is for de novo generation; with --csp use --samples") }
            guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
        } else {
            guard let num, num >= 1 else { throw ValidationError("give --num N (N ≥ 1) for de novo generation, or --csp") }
            guard formula.isEmpty, from == nil else { throw ValidationError("--formula and --from need --csp") }
        }
        guard guidance >= 0 else { throw ValidationError("--guidance must be ≥ 0") }
        _ = try parsedCondition()
    }

    func parsedCondition() throws -> (name: String, value: Double)? {
        guard let condition else { return nil }
        let parts = condition.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, let v = Double(parts[1]), v.isFinite else {
            throw ValidationError("--condition: expected NAME=VALUE, e.g. dir_gap=1.5, got '\(condition)'")
        }
        return (parts[0], v)
    }

    func run() throws {
        let model = try diffusion.load()
        var request = DiffusionCondition()
        if let (name, value) = try parsedCondition() {
            guard model.config.property == name else {
                throw CommandError("--condition \(name): the model is conditioned on \(model.config.property.map { "'\($0)'" } ?? "no property")")
            }
            request.property = value
        }
        if let elements {
            request.elements = Set(try elements.split(separator: ",").map { s in
                do { return try Element(s.trimmingCharacters(in: .whitespaces)).z } catch { throw CommandError("--elements: \(describe(error))") }
            })
        }
        var sampling = diffusion.sampling(for: model, csp: csp)
        sampling.guidance = guidance
        let start = Date()
        var sources: [String] = []
        let crystals: [DiffusionCrystal]
        do {
            if csp {
                let targets = try compositions()
                let repeated = targets.flatMap { t in (0..<samples).map { _ in t } }
                sources = targets.flatMap { t in (0..<samples).map { "\(t.id)#\($0 + 1)" } }
                crystals = try model.predictStructures(for: repeated.map(\.numbers), condition: request, sampling: sampling)
            } else {
                crystals = try model.generate(count: num!, condition: request, sampling: sampling)
                sources = crystals.indices.map { "de-novo-\($0 + 1)" }
            }
        } catch let error as DiffusionError { throw CommandError(describe(error)) }
        let directory = URL(fileURLWithPath: out)
        let cifs = directory.appendingPathComponent("cif")
        try FileManager.default.createDirectory(at: cifs, withIntermediateDirectories: true)
        var structures: [Structure] = [], csv = "index,source,formula,atoms,volume,valid_lattice\n"
        for (k, c) in crystals.enumerated() {
            let name = String(format: "%05d", k + 1)
            if let s = try? c.structure() {
                structures.append(s)
                try StructureFile.write(s, to: cifs.appendingPathComponent("\(name).cif"))
                csv += "\(k + 1),\(sources[k]),\(s.composition.formula),\(s.sites.count),\(String(format: "%.3f", s.lattice.volume)),true\n"
            } else {
                // A degenerate lattice: kept in order as a zero-volume placeholder is impossible, so it is listed only.
                csv += "\(k + 1),\(sources[k]),,\(c.numbers.count),0,false\n"
            }
        }
        try StructureFile.write(structures, to: directory.appendingPathComponent("generated.extxyz"))
        try Data(csv.utf8).write(to: directory.appendingPathComponent("generated.csv"))
        print(String(format: "%d crystals in %.1f s (%d with a degenerate lattice); wrote %@", crystals.count,
                     Date().timeIntervalSince(start), crystals.count - structures.count, directory.path))
    }

    /// The compositions to predict, with a name each.
    private func compositions() throws -> [(id: String, numbers: [Int])] {
        if let from {
            if DiffusionDataset.bundledNames.contains(from) {
                return try DiffusionDataset.bundled(from).map { ($0.id, $0.numbers) }
            }
            return try CommandError.naming(from) { try StructureSet.read(from) }.map { s in (s.id, s.structure.sites.map(\.element.z)) }
        }
        return try formula.map { f in
            let c: Composition
            do { c = try Composition(f) } catch { throw CommandError("--formula \(f): \(describe(error))") }
            var numbers: [Int] = []
            for (element, amount) in c.items {
                guard amount == amount.rounded(), amount >= 1 else { throw CommandError("--formula \(f): atom counts must be whole numbers") }
                numbers += [Int](repeating: element.z, count: Int(amount))
            }
            return (f, numbers)
        }
    }
}
