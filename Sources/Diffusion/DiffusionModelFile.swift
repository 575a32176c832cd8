import Foundation
import KilnSupport
import Potentials

extension DiffusionModel {
    static let format = "kiln-diffusion-model-1"

    /// The weights as a safetensors file, one tensor per layer, the configuration in its metadata.
    public func write(to url: URL, metadata: [String: String] = [:]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let tensors = layout.slots.map { ($0.name, $0.shape, Array(parameters[$0.range])) }
        var meta = metadata
        meta["format"] = Self.format
        meta["config"] = String(decoding: try encoder.encode(config), as: UTF8.self)
        try SafeTensors.encode(tensors, metadata: meta).write(to: url, options: .atomic)
    }

    /// Reads a model written by `write(to:)`.
    public init(contentsOf url: URL) throws {
        let file = try SafeTensors(contentsOf: url)
        guard file.metadata["format"] == Self.format, let text = file.metadata["config"] else {
            throw DiffusionError.badModel("\(url.path) is not a Kiln diffusion model (a checkpoint? use its averaged weights)")
        }
        let config: DiffusionConfig
        do { config = try JSONDecoder().decode(DiffusionConfig.self, from: Data(text.utf8)) } catch {
            throw DiffusionError.badModel("\(url.path): configuration: \(ErrorText.describe(error))")
        }
        try config.validate()
        var values: [Float] = []
        for slot in Denoiser.layout(config).slots { values += try file.floats(slot.name, shape: slot.shape) }
        try self.init(config: config, parameters: values)
        preset = file.metadata["preset"].flatMap { $0 == "none" ? nil : $0 }
    }
}

extension DiffusionModel {
    /// The shipped models (Resources/models/NAME.safetensors; recipes and metrics in docs/diffusion.md).
    public static var bundledNames: [String] {
        guard let folder = Bundle.module.url(forResource: "models", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return files.filter { $0.hasSuffix(".safetensors") }.map { String($0.dropLast(".safetensors".count)) }.sorted()
    }

    /// A shipped model by name, or a model file by path.
    public static func named(_ nameOrPath: String) throws -> DiffusionModel {
        if let url = Bundle.module.url(forResource: nameOrPath, withExtension: "safetensors", subdirectory: "models") {
            return try DiffusionModel(contentsOf: url)
        }
        guard FileManager.default.fileExists(atPath: nameOrPath) else {
            let names = bundledNames
            throw DiffusionError.badRequest("no model '\(nameOrPath)': not a file, and the shipped models are \(names.isEmpty ? "none yet" : names.joined(separator: ", "))")
        }
        return try DiffusionModel(contentsOf: URL(fileURLWithPath: nameOrPath))
    }
}
