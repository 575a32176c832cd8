import Crystal
import Foundation
import KilnSupport
import Learning
import Properties

/// A trained synthesizability model: recipe, data version, held-out metrics, decision threshold and
/// the bagged boosters, stored as gzip-compressed JSON with `LearnedModel`'s coding.
public struct SynthesizabilityModel: Sendable, Codable {
    public var recipe: SynthesizabilityRecipe
    /// SHA-256 of the training data (`SynthesizabilityDataset.fingerprint`) and where it came from.
    public var dataFingerprint: String
    public var dataSource = "Kiln ReferenceData: distinct reduced compositions of the MP energy table (legacy MP, ~2018) "
        + "and MP known formulas (~2019–2021); CC-BY-4.0"
    public var featureNames: [String]
    /// Elements of the training positives; compositions with any other element are refused.
    public var elements: [String]
    /// Scores at or above this are predicted synthesizable.
    public var threshold: Double
    public var metrics: SynthesizabilityMetrics
    /// The bagged members (their mean is the score; `sigmaScale` is unused).
    public var ensemble: BoostedEnsemble

    public init(recipe: SynthesizabilityRecipe, dataFingerprint: String, elements: [String], threshold: Double,
                metrics: SynthesizabilityMetrics, ensemble: BoostedEnsemble) {
        self.recipe = recipe
        self.dataFingerprint = dataFingerprint
        featureNames = SynthesizabilityFeatures.names
        self.elements = elements
        self.threshold = threshold
        self.metrics = metrics
        self.ensemble = ensemble
    }

    /// The learned score of a feature row (`SynthesizabilityFeatures`): the members' mean, in [0, 1].
    public func score(features x: [Double]) -> Double { ensemble.predict(x).mean }

    /// The score, verdict and oxidation-state plausibility of a composition; `SynthesisError` when it
    /// has an element the model never saw.
    public func score(_ composition: Composition) throws -> SynthesizabilityScore {
        if let unknown = composition.elements.first(where: { !elements.contains($0.symbol) }) {
            throw SynthesisError("\(composition.reducedFormula): element \(unknown.symbol) does not occur in the synthesizability model's training data")
        }
        let x = try SynthesizabilityFeatures.features(of: composition)
        return SynthesizabilityScore(composition: composition.reduced, score: score(features: x), threshold: threshold,
                                     oxidation: OxidationPlausibility(composition), bondValence: nil)
    }

    /// `score(composition)` of the structure's composition plus its bond-valence analysis (or why
    /// there is none).
    public func score(_ structure: Structure) throws -> SynthesizabilityScore {
        var s = try score(structure.composition)
        s.bondValence = Result { try BondValencePlausibility(structure) }.mapError { SynthesisError("\($0)") }
        return s
    }

    /// The model shipped with Kiln (`Resources/models/synthesizability.json.gz`), read once.
    public static func shipped() throws -> SynthesizabilityModel { try shippedModel.get() }

    private static let shippedModel = Result { () throws -> SynthesizabilityModel in
        guard let url = Bundle.module.url(forResource: "synthesizability.json", withExtension: "gz", subdirectory: "Resources/models") else {
            throw SynthesisError("the shipped synthesizability model (Resources/models/synthesizability.json.gz) is missing from the bundle")
        }
        return try SynthesizabilityModel(contentsOf: url)
    }

    /// Reads a model file (gzip-compressed JSON, as `write(to:)` writes it).
    public init(contentsOf url: URL) throws {
        do { self = try LearnedModel.decoder.decode(SynthesizabilityModel.self, from: Gzip.readFile(url)) } catch {
            throw SynthesisError("\(url.path): not a synthesizability model (\(error))")
        }
        let width = SynthesizabilityFeatures.names.count
        guard featureNames == SynthesizabilityFeatures.names,
              ensemble.members.allSatisfy({ $0.trees.allSatisfy { $0.feature.allSatisfy { $0 < width } } })
        else { throw SynthesisError("\(url.path): the model was built for other features") }
    }

    public func write(to url: URL) throws {
        try Gzip.compress(LearnedModel.encoder.encode(self)).write(to: url, options: .atomic)
    }
}
