import Crystal
import Foundation
import KilnSupport
import Matching

/// CDVAE's crystal-structure-prediction (reconstruction) metrics (`RecEval`): each prediction
/// is compared with its own ground truth by `StructureMatcher(stol 0.5, angle_tol 10, ltol 0.3)`;
/// an invalid prediction, or one that does not match, counts as a miss.
public struct Reconstruction: Sendable, Codable, Equatable {
    /// Matched pairs over all pairs.
    public var matchRate: Double
    /// Mean normalised rms displacement (pymatgen `get_rms_dist`) over the matched pairs; nil when none matched.
    public var meanRMS: Double?
    public var matched: Int
    public var total: Int

    /// `predictions[i]` is compared with `groundTruth[i]`; `valid[i]` false skips the pair (a miss).
    public init(predictions: [Structure], groundTruth: [Structure], valid: [Bool]? = nil,
                matcher: StructureMatcher = .cdvae) {
        precondition(predictions.count == groundTruth.count, "predictions and ground truth must pair up")
        let n = predictions.count
        let rms = WorkQueue.map(n) { i in
            (valid?[i] ?? true) ? matcher.rmsDistance(predictions[i], groundTruth[i])?.rms : nil
        }
        let hits = rms.compactMap { $0 }
        matched = hits.count
        total = n
        matchRate = n == 0 ? 0 : Double(hits.count) / Double(n)
        meanRMS = hits.isEmpty ? nil : hits.reduce(0, +) / Double(hits.count)
    }
}

/// RMSD between a generated structure and its relaxed form with MatterGen's loose matcher
/// (ltol 0.5, stol 0.5, angle_tol 10°, no volume scaling): pymatgen's normalised rms
/// displacement, or nil when the matcher finds no match.
public func relaxationRMSD(_ generated: Structure, _ relaxed: Structure) -> Double? {
    StructureMatcher(ltol: 0.5, stol: 0.5, angleTol: 10, scale: false).rmsDistance(generated, relaxed)?.rms
}
