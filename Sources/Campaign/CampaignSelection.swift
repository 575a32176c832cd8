import Crystal
import Foundation
import KilnSupport
import Potentials
import Properties
import Search
import Thermo

/// Active learning (`[loop] acquisition`): a surrogate trained on this campaign's relaxations
/// predicts the relaxed E_hull of each proposal from its unrelaxed structure (one CHGNet pass), and
/// the acquisition function chooses which proposals are relaxed; the rest are kept as "not selected".
/// Until `Surrogate.Parameters.minTrainingSize` relaxations exist the choice is random: the bundled
/// model's prior ranks unrelaxed random structures the wrong way round (docs/campaign.md, "Loop").
final class CampaignSelection: @unchecked Sendable {
    let featurizer: SurrogateFeaturizer
    let acquisition: Acquisition
    let threshold: Double
    let seed: UInt64
    /// Features of the initial structure of each candidate seen (by id).
    private var features: [String: SurrogateFeatures] = [:]
    private let lock = NSLock()

    init(acquisition: Acquisition, hull: HullService, calculator: any Calculator, threshold: Double, seed: UInt64) throws {
        self.acquisition = acquisition
        featurizer = try SurrogateFeaturizer(hull: hull, chgnet: calculator as? CHGNet ?? CHGNet())
        self.threshold = threshold
        self.seed = seed
    }

    /// Features of the candidates' initial structures, computed once each (in parallel); nil for a
    /// structure the model cannot featurise.
    func features(_ records: [CandidateRecord], workers: Int) -> [SurrogateFeatures?] {
        let missing = records.filter { r in lock.withLock { features[r.id] == nil } }
        let rows = WorkQueue.map(missing.count, workers: workers) { k in
            try? featurizer.features(try missing[k].structure())
        }
        lock.withLock { for (k, r) in missing.enumerated() { features[r.id] = rows[k] } }
        return records.map { r in lock.withLock { features[r.id] ?? nil } }
    }

    /// Marks all but `quota` of `pool` (this round's pending proposals of one generator) "not
    /// selected", and records the surrogate's prediction of each.
    func choose(_ pool: [CandidateRecord], quota: Int, relaxed: [(record: CandidateRecord, eHull: Double)], round: Int,
                workers: Int) throws -> [CandidateRecord] {
        guard pool.count > quota else { return [] }
        let training = zip(relaxed, features(relaxed.map(\.record), workers: workers)).compactMap { r, f in
            f.map { (features: $0, eHull: r.eHull) }
        }
        var parameters = Surrogate.Parameters()
        parameters.seed = SearchSeed.mix(seed, round)
        let surrogate = try Surrogate(training: training, parameters: parameters)
        let rows = features(pool, workers: workers)
        // A proposal the model cannot featurise is predicted last (never chosen before one it can).
        let predictions = try rows.map { try $0.map(surrogate.predict) ?? (mean: 1e6, sigma: 0) }
        var rng = SeededGenerator(seed: SearchSeed.mix(seed ^ 0x5E1EC7, round))
        let rule = surrogate.isPrior ? .random : acquisition
        let picked = Set(try rule.select(predictions: predictions, count: quota, best: threshold, rng: &rng))
        var changed: [CandidateRecord] = []
        for (k, var r) in pool.enumerated() {
            if rows[k] != nil { r.surrogate = PropertyValue(mean: predictions[k].mean, sigma: predictions[k].sigma, unit: "eV/atom") }
            if !picked.contains(k) {
                r.status = .notSelected
                r.error = surrogate.isPrior
                    ? "not chosen at random (fewer than \(parameters.minTrainingSize) relaxations to learn from)"
                    : "not chosen by the \(acquisition.name) acquisition"
            }
            changed.append(r)
        }
        return changed
    }
}
