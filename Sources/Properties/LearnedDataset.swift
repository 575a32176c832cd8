import Crystal
import Foundation
import Learning
import Potentials
import ReferenceData

/// The data set of one learned property: features (`FeatureSet`) and targets of the bundled
/// Materials Project structures, split by `DataSplit` on their ids.
public struct LearnedDataset: Sendable {
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
    /// The element references of the structure features, fitted on the training part.
    public var elementReferences: ElementReferences?

    /// Featurises every record of `ReferenceStructures.mp()` that has a target for `property`.
    /// The structure features need `descriptors`: `DescriptorTable`'s row of every record.
    public init(property: LearnedProperty, features: FeatureSet = .composition, descriptors: [[Double]]? = nil) throws {
        let mp = try ReferenceStructures.mp()
        if features == .structure {
            guard let descriptors, descriptors.count == mp.count else {
                throw PropertyError.undefined("the structure features need a CHGNet descriptor for each of the \(mp.count) records")
            }
            let training = mp.indices.filter { DataSplit(id: mp.id(at: $0)) == .training }
            elementReferences = try ElementReferences(
                compositions: training.map { mp.composition(at: $0) },
                energyPerAtom: training.map { descriptors[$0][CHGNetDescriptor.energyIndex] },
                formationEnergy: training.map { mp.formationEnergyPerAtom(at: $0) })
        }
        var text: [UInt8] = []
        var elements = Set<Element>()
        for i in mp.indices {
            guard let y = property.target(bandGap: mp.bandGap(at: i), formationEnergy: mp.formationEnergyPerAtom(at: i)) else { continue }
            let id = mp.id(at: i), composition = mp.composition(at: i)
            var x = try CompositionFeatures.features(of: composition)
            if let references = elementReferences, let d = descriptors?[i] {
                x += d + [references.formationEnergy(energyPerAtom: d[CHGNetDescriptor.energyIndex], composition: composition) ?? .nan]
            }
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

extension LearnedDataset {
    /// One labelled composition of a data set of one's own.
    public typealias Label = (id: String, composition: Composition, value: Double)

    /// Composition features of one's own labels: the rows of `training` whose id `DataSplit` puts in
    /// validation stop the boosting early and calibrate σ, the other rows train, and `test` is held out.
    public init(training rows: [Label], test: [Label]) throws {
        var text: [UInt8] = []
        var elements = Set<Element>()
        for (id, composition, y) in rows {
            let x = try CompositionFeatures.features(of: composition)
            text += Array("\(id)\t\(composition.formula)\t\(y)\n".utf8)
            if DataSplit(id: id) == .validation {
                validation.append(id, x, y)
            } else {
                training.append(id, x, y)
                elements.formUnion(composition.elements)
            }
        }
        for (id, composition, y) in test { self.test.append(id, try CompositionFeatures.features(of: composition), y) }
        fingerprint = SHA256.hex(bytes: text)
        trainingElements = elements.sorted().map(\.symbol)
    }
}

extension LearnedDataset.Part {
    mutating func append(_ id: String, _ x: [Double], _ y: Double) {
        ids.append(id); features.append(x); targets.append(y)
    }
}
