/// CDVAE's coverage metrics (`eval_utils.compute_cov`) from structure and composition fingerprints
/// of generated and ground-truth (test) crystals, compared by Euclidean distance.
public struct Coverage: Sendable, Codable, Equatable {
    /// Fraction of ground-truth crystals with a generated one within both cutoffs (COV-R).
    public var recall: Double
    /// Generated crystals with a ground-truth one within both cutoffs, over `generatedCount` (COV-P).
    public var precision: Double
    /// Mean over ground truth of the distance to the nearest generated structure fingerprint (AMSD-R).
    public var structureRecallDistance: Double
    public var structurePrecisionDistance: Double
    /// Mean over ground truth of the distance to the nearest generated composition fingerprint (AMCD-R).
    public var compositionRecallDistance: Double
    public var compositionPrecisionDistance: Double

    /// CDVAE's cutoffs (`COV_Cutoffs`): structure and composition distance thresholds per dataset.
    public static let cutoffs: [String: (structure: Double, composition: Double)] = [
        "mp20": (0.4, 10), "carbon": (0.2, 4), "perovskite": (0.2, 4),
    ]

    /// Computes coverage. As in CDVAE, the nearest-neighbour distances are taken separately for
    /// structure and composition fingerprints, and precision divides by the number of generated
    /// crystals before filtering (`generatedCount`, default: the fingerprints given).
    public init?(generated: (structure: [[Double]], composition: [[Double]]),
                 groundTruth: (structure: [[Double]], composition: [[Double]]),
                 structureCutoff: Double, compositionCutoff: Double, generatedCount: Int? = nil) {
        let g = generated, t = groundTruth
        guard !g.structure.isEmpty, g.structure.count == g.composition.count,
              !t.structure.isEmpty, t.structure.count == t.composition.count else { return nil }
        let (sRecall, sPrecision) = Self.nearest(g.structure, t.structure)
        let (cRecall, cPrecision) = Self.nearest(g.composition, t.composition)
        let recalled = zip(sRecall, cRecall).filter { $0.0 <= structureCutoff && $0.1 <= compositionCutoff }.count
        let precise = zip(sPrecision, cPrecision).filter { $0.0 <= structureCutoff && $0.1 <= compositionCutoff }.count
        recall = Double(recalled) / Double(t.structure.count)
        precision = Double(precise) / Double(generatedCount ?? g.structure.count)
        structureRecallDistance = Self.mean(sRecall)
        structurePrecisionDistance = Self.mean(sPrecision)
        compositionRecallDistance = Self.mean(cRecall)
        compositionPrecisionDistance = Self.mean(cPrecision)
    }

    /// For each ground-truth row the distance to the nearest generated row, and vice versa.
    static func nearest(_ gen: [[Double]], _ truth: [[Double]]) -> (recall: [Double], precision: [Double]) {
        var recall = [Double](repeating: .infinity, count: truth.count)
        var precision = [Double](repeating: .infinity, count: gen.count)
        for (i, a) in gen.enumerated() {
            for (j, b) in truth.enumerated() {
                var s = 0.0
                for k in a.indices { let d = a[k] - b[k]; s += d * d }
                let d = s.squareRoot()
                if d < precision[i] { precision[i] = d }
                if d < recall[j] { recall[j] = d }
            }
        }
        return (recall, precision)
    }

    private static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
}
