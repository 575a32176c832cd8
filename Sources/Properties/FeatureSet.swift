/// What a learned model reads: the composition alone, or the composition and the relaxed structure
/// as CHGNet describes it.
public enum FeatureSet: String, Sendable, Codable, CaseIterable {
    /// Magpie composition features (matminer 0.10.1): fast, for screening compositions before
    /// any structure exists.
    case composition
    /// The composition features, CHGNet 0.3.0's description of the structure
    /// (`CHGNetDescriptor`) and CHGNet's formation-energy estimate on fitted element references.
    case structure

    public var names: [String] {
        switch self {
        case .composition: return CompositionFeatures.names
        case .structure: return CompositionFeatures.names + CHGNetDescriptor.names + [ElementReferences.featureName]
        }
    }

    /// How the recipe describes the features.
    var summary: String {
        switch self {
        case .composition: return "Magpie composition features as matminer 0.10.1 (\(names.count))"
        case .structure:
            return "Magpie composition features as matminer 0.10.1, CHGNet 0.3.0 atom-feature statistics, energy, "
                + "magnetic moments, volume and density, and CHGNet's formation energy on element references "
                + "fitted to the training tenths (\(names.count))"
        }
    }
}
