import Crystal
import Learning
import ReferenceData

/// The composition-only data set of one learned property: Magpie features and targets of the
/// bundled Materials Project structures, split by `DataSplit` on their ids.
public struct CompositionDataset: Sendable {
    public struct Part: Sendable {
        public var ids: [String] = []
        public var features: [[Double]] = []
        public var targets: [Double] = []
    }

    public var training = Part(), validation = Part(), test = Part()
    /// SHA-256 (hex) of the "id<TAB>formula<TAB>target" lines in bundle order: the data version.
    public var fingerprint: String
    /// Symbols of the elements that occur in the training part.
    public var trainingElements: [String]

    /// Featurises every record of `ReferenceStructures.mp()` that has a target for `property`.
    public init(property: LearnedProperty) throws {
        let mp = try ReferenceStructures.mp()
        var text: [UInt8] = []
        var elements = Set<Element>()
        for i in mp.indices {
            guard let y = property.target(bandGap: mp.bandGap(at: i), formationEnergy: mp.formationEnergyPerAtom(at: i)) else { continue }
            let id = mp.id(at: i), composition = mp.composition(at: i)
            let x = try CompositionFeatures.features(of: composition)
            text += Array("\(id)\t\(mp.formula(at: i))\t\(y)\n".utf8)
            switch DataSplit(id: id) {
            case .training:
                training.append(id, x, y)
                elements.formUnion(composition.elements)
            case .validation: validation.append(id, x, y)
            case .test: test.append(id, x, y)
            }
        }
        fingerprint = SHA256.hex(bytes: text)
        trainingElements = elements.sorted().map(\.symbol)
    }
}

extension CompositionDataset.Part {
    mutating func append(_ id: String, _ x: [Double], _ y: Double) {
        ids.append(id); features.append(x); targets.append(y)
    }
}
