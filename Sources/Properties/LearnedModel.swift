import Crystal
import Foundation
import KilnSupport
import Learning
import Potentials

/// How a learned model was trained: enough to reproduce it with `kiln train`.
public struct TrainingRecipe: Sendable, Codable, Equatable {
    public var property: LearnedProperty
    /// What the model reads (composition files written before structure models existed have none).
    public var featureSet: FeatureSet
    public var seed: UInt64 = 0
    /// Ensemble members; each is fitted on its own bootstrap sample of the training part.
    public var members = 5
    public var boosting = BoostingParameters()
    public var maxBins = 255
    public var features: String
    public var split = "SHA-256 of the material id, first 8 hex digits mod 10: 0 test, 1 validation, else training"

    public init(property: LearnedProperty, featureSet: FeatureSet = .composition) {
        self.property = property
        self.featureSet = featureSet
        features = featureSet.summary
    }

    private enum CodingKeys: String, CodingKey { case property, featureSet, seed, members, boosting, maxBins, features, split }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        property = try c.decode(LearnedProperty.self, forKey: .property)
        featureSet = try c.decodeIfPresent(FeatureSet.self, forKey: .featureSet) ?? .composition
        seed = try c.decode(UInt64.self, forKey: .seed)
        members = try c.decode(Int.self, forKey: .members)
        boosting = try c.decode(BoostingParameters.self, forKey: .boosting)
        maxBins = try c.decode(Int.self, forKey: .maxBins)
        features = try c.decode(String.self, forKey: .features)
        split = try c.decode(String.self, forKey: .split)
    }

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

/// A trained model (composition or structure features): recipe, data version, metrics, element
/// references (structure models) and the calibrated ensemble.
public struct LearnedModel: Sendable, Codable {
    public var recipe: TrainingRecipe
    /// SHA-256 of the training data (`LearnedDataset.fingerprint`) and where it came from.
    public var dataFingerprint: String
    public var dataSource = "Kiln ReferenceData mp_structures: 36,737 legacy Materials Project structures (~2018, MT-CGCNN/CrysXPP set; CC-BY-4.0)"
    public var featureNames: [String]
    /// Elements seen in training; compositions with any other element are refused.
    public var elements: [String]
    public var metrics: LearnedMetrics
    /// The element references of the structure features (nil for composition models).
    public var elementReferences: ElementReferences?
    public var ensemble: BoostedEnsemble

    public var property: LearnedProperty { recipe.property }
    public var featureSet: FeatureSet { recipe.featureSet }

    /// Mean and σ for a composition, from a composition model (`PropertyError.undefined` when it
    /// has an element the model never saw, or the model needs a structure).
    public func predict(_ composition: Composition) throws -> PropertyValue {
        try predict(features: compositionModelFeatures(composition))
    }

    /// The feature row of a composition for a composition model (refused by structure models).
    func compositionModelFeatures(_ composition: Composition) throws -> [Double] {
        guard featureSet == .composition else {
            throw PropertyError.undefined("\(property.rawValue): this model reads structures, not compositions")
        }
        return try features(of: composition)
    }

    /// Mean and σ for a structure; structure models evaluate it with `chgnet` (required for them).
    public func predict(_ structure: Structure, chgnet: CHGNet?) throws -> PropertyValue {
        try predict(features: features(structure, chgnet: chgnet))
    }

    /// The feature row of a structure (`featureNames` order).
    public func features(_ structure: Structure, chgnet: CHGNet?) throws -> [Double] {
        var x = try features(of: structure.composition)
        guard featureSet == .structure else { return x }
        guard let chgnet, let references = elementReferences else {
            throw PropertyError.undefined("\(property.rawValue): the structure model needs CHGNet")
        }
        let d = try CHGNetDescriptor.describe(structure, chgnet: chgnet)
        x += d + [references.formationEnergy(energyPerAtom: d[CHGNetDescriptor.energyIndex], composition: structure.composition) ?? .nan]
        return x
    }

    /// The composition features, after checking every element was seen in training.
    func features(of composition: Composition) throws -> [Double] {
        if let unknown = composition.elements.first(where: { !elements.contains($0.symbol) }) {
            throw PropertyError.undefined("\(property.rawValue): element \(unknown.symbol) does not occur in the training data")
        }
        return try CompositionFeatures.features(of: composition)
    }

    /// Mean and σ for a feature row from `features` (one CHGNet pass serves the row and the prediction).
    public func predict(features x: [Double]) -> PropertyValue {
        let (mean, sigma) = ensemble.predict(x)
        return PropertyValue(mean: property.bounded(mean), sigma: sigma, unit: property.unit)
    }

    /// Reads a model file (gzip-compressed JSON, as `write(to:)` writes it).
    public init(contentsOf url: URL) throws {
        self = try Self.decoder.decode(LearnedModel.self, from: Gzip.readFile(url))
        let width = featureSet.names.count
        guard featureNames == featureSet.names, (featureSet == .structure) == (elementReferences != nil),
              ensemble.members.allSatisfy({ $0.trees.allSatisfy { $0.feature.allSatisfy { $0 < width } } })
        else { throw PropertyError.undefined("\(url.path): the model was built for other features") }
    }

    init(recipe: TrainingRecipe, dataFingerprint: String, elements: [String], metrics: LearnedMetrics,
         elementReferences: ElementReferences?, ensemble: BoostedEnsemble) {
        self.recipe = recipe
        self.dataFingerprint = dataFingerprint
        featureNames = recipe.featureSet.names
        self.elements = elements
        self.metrics = metrics
        self.elementReferences = elementReferences
        self.ensemble = ensemble
    }

    public func write(to url: URL) throws {
        try Gzip.compress(Self.encoder.encode(self)).write(to: url, options: .atomic)
    }

    /// File name of a model: the property, with "-structure" for structure models.
    public static func fileName(_ property: LearnedProperty, _ features: FeatureSet) -> String {
        property.rawValue + (features == .composition ? "" : "-" + features.rawValue) + ".json.gz"
    }

    /// The model shipped with Kiln for `property` and `features` (trained by `kiln train`, recipe inside).
    public static func bundled(_ property: LearnedProperty, features: FeatureSet = .composition) throws -> LearnedModel {
        let name = fileName(property, features)
        guard let url = Bundle.module.url(forResource: String(name.dropLast(8)), withExtension: "json.gz", subdirectory: "models") else {
            throw PropertyError.undefined("no bundled \(features.rawValue) model for \(property.rawValue)")
        }
        return try LearnedModel(contentsOf: url)
    }

    /// JSON coding of models and checkpoints (a split that sends only missing values left has
    /// threshold −∞, written "-inf").
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }()

    /// Reads what `encoder` writes.
    public static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }()
}

/// A `PropertyPredictor` for a learned property: from the composition of a structure, or from the
/// structure itself with CHGNet for structure models.
public struct LearnedPropertyPredictor: PropertyPredictor {
    public let model: LearnedModel
    let chgnet: CHGNet?

    /// `chgnet` is needed by structure models (loaded from the bundled weights when not given).
    public init(model: LearnedModel, chgnet: CHGNet? = nil) throws {
        self.model = model
        self.chgnet = model.featureSet == .structure ? try chgnet ?? CHGNet() : nil
    }

    /// The bundled model of `property` on `features`.
    public init(property: LearnedProperty, features: FeatureSet = .composition, chgnet: CHGNet? = nil) throws {
        try self.init(model: .bundled(property, features: features), chgnet: chgnet)
    }

    /// The property and the model, e.g. "band_gap (structure model)".
    public var name: String { "\(model.property.rawValue) (\(model.featureSet.rawValue) model)" }

    public func predict(_ structure: Structure) throws -> PropertyValue {
        try model.predict(structure, chgnet: chgnet)
    }

    /// `predict(structure)` and, when `explained`, its TreeSHAP explanation (or why there is none:
    /// a model file without node covers), from one feature row — one CHGNet pass for structure models.
    public func predict(_ structure: Structure, explained: Bool)
        throws -> (value: PropertyValue, explanation: Result<LearnedModel.Explanation, Error>?) {
        let x = try model.features(structure, chgnet: chgnet)
        return (model.predict(features: x), explained ? Result { try model.explain(features: x) } : nil)
    }
}
