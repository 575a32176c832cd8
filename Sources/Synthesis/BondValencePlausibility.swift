import Analysis
import Crystal
import Foundation

/// Bond-valence plausibility of a structure in pymatgen's bond-valence framework: oxidation states
/// by `BVAnalyzer` (`BondValenceAnalyzer`), the bond-valence sum of every site (O'Keefe & Brese's
/// element parameters, b = 0.31 Å and the analyzer's distance scale, 1.015 for GGA-relaxed cells,
/// as pymatgen's `calculate_bv_sum`), and two indices over the sites:
///
/// - the global instability index GII = √(mean (sum − state)²) of Salinas-Sanchez et al. (J. Solid
///   State Chem. 100, 201, 1992), reported as is: with these generic parameters real structures give
///   0.05–1.4 valence units (corundum 1.42), so the classic 0.2 v.u. rule does not apply to it;
/// - the deviation index √(mean z²), z = (sum − μ)/σ with μ, σ the ICSD mean and standard
///   deviation of that oxidation state's sums computed the same way (pymatgen's `icsd_bv.yaml`, the
///   statistics BVAnalyzer assigns states with): how atypical the sites are for their ions. The
///   verdict is implausible above `threshold`, three standard deviations (the usual outlier rule).
public struct BondValencePlausibility: Sendable, Hashable {
    /// One oxidation state per site (BVAnalyzer's assignment).
    public var oxidationStates: [Int]
    /// The bond-valence sum of every site (valence units; negative on anions).
    public var sums: [Double]
    /// √(mean (sum − state)²) over the sites, in valence units.
    public var globalInstabilityIndex: Double
    /// √(mean z²) over the sites, in ICSD standard deviations.
    public var deviationIndex: Double

    /// Largest deviation index of a plausible structure.
    public static let threshold = 3.0

    /// True when the deviation index is at most `threshold`.
    public var isPlausible: Bool { deviationIndex <= Self.threshold }

    /// Analyses an ordered structure; `BondValenceError` when the analyzer cannot assign states
    /// (disordered, an element without parameters, no neutral assignment — e.g. intermetallics).
    public init(_ structure: Structure, analyzer: BondValenceAnalyzer = BondValenceAnalyzer()) throws {
        oxidationStates = try analyzer.oxidationStates(of: structure)
        sums = try analyzer.bondValenceSums(of: structure)
        let statistics = try BondValenceAnalyzer.icsdStatistics()
        var squares = 0.0, zSquares = 0.0
        for (i, site) in structure.sites.enumerated() {
            let state = oxidationStates[i], sum = sums[i]
            squares += (sum - Double(state)) * (sum - Double(state))
            // BVAnalyzer only assigns states with statistics (σ > 0).
            guard let s = statistics[site.element.symbol]?[state], s.std > 0 else {
                throw BondValenceError.unassignable("no ICSD statistics for \(site.element.symbol) \(state)")
            }
            zSquares += (sum - s.mean) * (sum - s.mean) / (s.std * s.std)
        }
        let n = Double(max(structure.count, 1))
        globalInstabilityIndex = (squares / n).squareRoot()
        deviationIndex = (zSquares / n).squareRoot()
    }
}
