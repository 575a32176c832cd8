import Crystal
import Foundation

/// Cell volume from per-element volumes fitted to the bundled MP structures
/// (V ≈ Σ nᵢ vᵢ; median error 7.6 % on those structures; elements the fit does not cover use a
/// scaled covalent-radius sphere). Built by scripts/build_generation_resources.py.
public enum VolumeEstimator {
    /// Estimated volume (Å³) of a cell with this composition.
    public static func volume(of composition: Composition) throws -> Double {
        let table = try cached.get()
        var v = 0.0
        for (e, n) in composition.items {
            guard let ve = table[e.symbol] else {
                throw GenerationError.invalidTarget("no volume estimate for element \(e.symbol)")
            }
            v += ve * n
        }
        return v
    }

    /// Volume per atom (Å³) of an element in compounds.
    public static func volumePerAtom(_ element: Element) throws -> Double {
        try volume(of: Composition([(element, 1)]))
    }

    private static let cached = Result(catching: { () throws -> [String: Double] in
        struct File: Decodable { let volumes: [String: Double] }
        guard let url = Bundle.module.url(forResource: "element_volumes", withExtension: "json"),
              let file = try? JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        else { throw GenerationError.corruptResource("element_volumes.json is missing or corrupt") }
        return file.volumes
    })
}
