import Crystal
import Foundation
import KilnSupport
import Matching

/// CDVAE's / DiffCSP's crystal-structure-prediction score with K samples per target: a target is
/// matched when any valid sample matches it (`StructureMatcher(stol 0.5, angle_tol 10, ltol 0.3)`),
/// and its RMSE is the smallest normalised rms displacement among the matching samples. Valid as in
/// the scorecard's RecEval: structurally (no atom pair closer than 0.5 Å, volume ≥ 0.1 Å³) and
/// compositionally (SMACT). With K = 1 this is `Reconstruction` with those validity flags.
public struct MultiSampleReconstruction: Sendable, Codable, Equatable {
    public var matchRate: Double
    /// Mean over matched targets of the best rms displacement; nil when none matched.
    public var meanRMS: Double?
    public var matched: Int, targets: Int, samplesPerTarget: Int
    /// Samples that were not valid (or had no structure: a degenerate lattice) and so could not match.
    public var invalidSamples: Int

    /// `samples[i]` are the predictions for `targets[i]` (nil: no structure, e.g. a degenerate lattice).
    public init(samples: [[Structure?]], targets: [Structure], matcher: StructureMatcher = .cdvae) {
        precondition(samples.count == targets.count, "one sample list per target")
        let best = WorkQueue.map(targets.count) { i -> (rms: Double?, invalid: Int) in
            var rms: Double?, invalid = 0
            var compositionValid: [Composition: Bool] = [:]
            for s in samples[i] {
                guard let s, Validity.isStructurallyValid(s) else { invalid += 1; continue }
                let c = s.composition
                if compositionValid[c] == nil { compositionValid[c] = Validity.isCompositionallyValid(c) }
                guard compositionValid[c]! else { invalid += 1; continue }
                if let r = matcher.rmsDistance(s, targets[i])?.rms { rms = min(rms ?? r, r) }
            }
            return (rms, invalid)
        }
        let hits = best.compactMap(\.rms)
        matched = hits.count
        self.targets = targets.count
        samplesPerTarget = samples.map(\.count).max() ?? 0
        matchRate = targets.isEmpty ? 0 : Double(hits.count) / Double(targets.count)
        meanRMS = hits.isEmpty ? nil : hits.reduce(0, +) / Double(hits.count)
        invalidSamples = best.reduce(0) { $0 + $1.invalid }
    }
}
