import Crystal
import Foundation
import KilnSupport
import Learning

/// How a learned model was trained: enough to reproduce it with `kiln train`.
public struct TrainingRecipe: Sendable, Codable, Equatable {
    public var property: LearnedProperty
    public var seed: UInt64 = 0
    /// Ensemble members; each is fitted on its own bootstrap sample of the training part.
    public var members = 5
    public var boosting = BoostingParameters()
    public var maxBins = 255
    public var features = "Magpie composition features as matminer 0.10.1 (\(CompositionFeatures.names.count))"
    public var split = "SHA-256 of the material id, first 8 hex digits mod 10: 0 test, 1 validation, else training"

    public init(property: LearnedProperty) { self.property = property }

    /// SHA-256 of the recipe's JSON: checkpoints of another recipe are refused.
    public var fingerprint: String { SHA256.hex(bytes: Array((try? LearnedModel.encoder.encode(self)) ?? Data())) }
}

/// Held-out metrics of a trained model on the test tenth (nothing of it was trained on or used
/// for early stopping or calibration).
public struct LearnedMetrics: Sendable, Codable, Equatable {
    public var trainingCount = 0, validationCount = 0, testCount = 0
    /// Regression: mean absolute error of the ensemble mean, and of the training mean as a baseline.
    public var testMAE: Double?
    public var baselineMAE: Double?
    /// Classification: ROC-AUC of the probabilities, accuracy and balanced accuracy of the labels at
    /// probability 0.5 (Matbench's ROC-AUC is computed on such labels, which makes it equal to the
    /// balanced accuracy), and the probability reliability table (count, mean predicted probability,
    /// observed share of metals per tenth of probability).
    public var rocAUC: Double?
    public var accuracy: Double?
    public var balancedAccuracy: Double?
    public var probabilityReliability: [[Double]]?
    /// Regression: share of test targets inside mean ± 1σ and ± 2σ (ideal 0.683, 0.954), and the
    /// reliability table (nominal central-interval probability, observed share).
    public var coverage1Sigma: Double?
    public var coverage2Sigma: Double?
    public var intervalReliability: [[Double]]?
    /// Boosting rounds kept per member (early stopping on the validation tenth).
    public var rounds: [Int] = []
    public var trainingSeconds = 0.0
}

/// A trained composition model: recipe, data version, metrics and the calibrated ensemble.
public struct LearnedModel: Sendable, Codable {
    public var recipe: TrainingRecipe
    /// SHA-256 of the training data (`CompositionDataset.fingerprint`) and where it came from.
    public var dataFingerprint: String
    public var dataSource = "Kiln ReferenceData mp_structures: 36,737 legacy Materials Project structures (~2018, MT-CGCNN/CrysXPP set; CC-BY-4.0)"
    public var featureNames: [String]
    /// Elements seen in training; compositions with any other element are refused.
    public var elements: [String]
    public var metrics: LearnedMetrics
    public var ensemble: BoostedEnsemble

    public var property: LearnedProperty { recipe.property }

    /// Mean and σ for a composition (`PropertyError.undefined` when it has an element the model
    /// never saw).
    public func predict(_ composition: Composition) throws -> PropertyValue {
        let (mean, sigma) = ensemble.predict(try features(of: composition))
        return PropertyValue(mean: property.bounded(mean), sigma: sigma, unit: property.unit)
    }

    /// The model's feature row for a composition, refused when it has an element the model never saw.
    func features(of composition: Composition) throws -> [Double] {
        if let unknown = composition.elements.first(where: { !elements.contains($0.symbol) }) {
            throw PropertyError.undefined("\(property.rawValue): element \(unknown.symbol) does not occur in the training data")
        }
        return try CompositionFeatures.features(of: composition)
    }

    /// Reads a model file (gzip-compressed JSON, as `write(to:)` writes it).
    public init(contentsOf url: URL) throws {
        self = try Self.decoder.decode(LearnedModel.self, from: Gzip.readFile(url))
        let width = CompositionFeatures.names.count
        guard featureNames == CompositionFeatures.names,
              ensemble.members.allSatisfy({ $0.trees.allSatisfy { $0.feature.allSatisfy { $0 < width } } })
        else { throw PropertyError.undefined("\(url.path): the model was built for other features") }
    }

    init(recipe: TrainingRecipe, dataFingerprint: String, featureNames: [String], elements: [String],
         metrics: LearnedMetrics, ensemble: BoostedEnsemble) {
        self.recipe = recipe
        self.dataFingerprint = dataFingerprint
        self.featureNames = featureNames
        self.elements = elements
        self.metrics = metrics
        self.ensemble = ensemble
    }

    public func write(to url: URL) throws {
        try Gzip.compress(Self.encoder.encode(self)).write(to: url, options: .atomic)
    }

    /// The model shipped with Kiln for `property` (trained by `kiln train`, recipe inside).
    public static func bundled(_ property: LearnedProperty) throws -> LearnedModel {
        guard let url = Bundle.module.url(forResource: property.rawValue, withExtension: "json.gz", subdirectory: "models") else {
            throw PropertyError.undefined("no bundled model for \(property.rawValue)")
        }
        return try LearnedModel(contentsOf: url)
    }

    /// JSON coding of models and checkpoints (a split that sends only missing values left has
    /// threshold −∞, written "-inf").
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }()
}

/// A `PropertyPredictor` for a learned property from the composition of a structure.
public struct LearnedPropertyPredictor: PropertyPredictor {
    public let model: LearnedModel

    public init(model: LearnedModel) { self.model = model }

    /// The bundled model of `property`.
    public init(property: LearnedProperty) throws { model = try .bundled(property) }

    public var name: String { model.property.rawValue }

    public func predict(_ structure: Structure) throws -> PropertyValue {
        try model.predict(structure.composition)
    }
}
