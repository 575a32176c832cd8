import Crystal
import Learning
import Potentials
import Properties
import Thermo

/// What the surrogate reads about one unrelaxed structure: computed once (one CHGNet pass) and
/// cacheable by candidate id.
public struct SurrogateFeatures: Sendable, Codable, Equatable {
    /// The feature row: the bundled formation-energy structure model's features, then `priorMean`.
    public var row: [Double]
    /// The bundled model's E_hull estimate (eV/atom): its formation energy minus the reference
    /// hull's at the composition (negative below the hull), and the model's ensemble σ.
    public var priorMean: Double
    public var priorSigma: Double

    public init(row: [Double], priorMean: Double, priorSigma: Double) {
        self.row = row
        self.priorMean = priorMean
        self.priorSigma = priorSigma
    }

    func validate(_ what: String) throws {
        if let k = row.firstIndex(where: { !$0.isFinite }) {
            throw ActiveLearningError("\(what): feature \(k) is \(row[k]) (features must be finite)")
        }
        guard priorMean.isFinite, priorSigma.isFinite, priorSigma >= 0 else {
            throw ActiveLearningError("\(what): prior mean \(priorMean) and sigma \(priorSigma) must be finite, sigma ≥ 0")
        }
    }
}

/// Computes `SurrogateFeatures` with the bundled formation-energy structure model and the
/// campaign's reference hull. Thread-safe.
public struct SurrogateFeaturizer: Sendable {
    public let model: LearnedModel
    let chgnet: CHGNet
    /// E_hull (eV/atom) of a formation-energy entry against the reference hull.
    let energyAboveHull: @Sendable (ThermoEntry) throws -> Double

    public init(hull: HullService, chgnet: CHGNet) throws {
        try self.init(chgnet: chgnet) { try hull.analyze($0, phaseSeparation: false).energyAboveHull }
    }

    init(chgnet: CHGNet, energyAboveHull: @escaping @Sendable (ThermoEntry) throws -> Double) throws {
        model = try LearnedModel.bundled(.formationEnergy, features: .structure)
        self.chgnet = chgnet
        self.energyAboveHull = energyAboveHull
    }

    /// The features of an unrelaxed structure. Throws for an element the model never saw or the
    /// hull has no reference for.
    public func features(_ structure: Structure) throws -> SurrogateFeatures {
        let x = try model.features(structure, chgnet: chgnet)
        let formation = model.predict(features: x)
        let entry = try ThermoEntry(composition: structure.composition, energyPerAtom: formation.mean, id: "surrogate")
        let eHull = try energyAboveHull(entry)
        let f = SurrogateFeatures(row: x + [eHull], priorMean: eHull, priorSigma: formation.sigma ?? 0)
        try f.validate("features of \(structure.composition.reducedFormula)")
        return f
    }
}

/// Predicts the relaxed E_hull (eV/atom) of an unrelaxed proposal, with uncertainty.
///
/// With fewer than `minTrainingSize` relaxed points it is the prior: the bundled model's E_hull
/// estimate and σ. From then on, a bagged ensemble of small boosters learns the relaxed E_hull
/// from the features of each relaxed candidate's initial structure (the prior estimate is one of
/// them); the prediction is the members' mean, and σ their spread scaled so that 68 % of the
/// out-of-bag errors fall within ±σ. Deterministic for a seed.
public struct Surrogate: Sendable {
    public struct Parameters: Sendable, Equatable {
        /// Relaxed points needed before the online ensemble replaces the prior (≥ 5).
        public var minTrainingSize = 8
        /// Bagged boosters (≥ 8, so that most rows are out of bag for some of them).
        public var members = 10
        /// Small-data boosting: few shallow trees, small leaves; no early stopping.
        public var boosting: BoostingParameters = {
            var p = BoostingParameters()
            p.learningRate = 0.15
            p.maxLeaves = 6
            p.maxDepth = 4
            p.minSamplesLeaf = 2
            p.maxRounds = 40
            p.featureFraction = 0.3
            return p
        }()
        public var seed: UInt64 = 0

        public init() {}

        func validate() throws {
            guard minTrainingSize >= 5 else { throw ActiveLearningError("minTrainingSize must be ≥ 5, got \(minTrainingSize)") }
            guard members >= 8 else { throw ActiveLearningError("members must be ≥ 8, got \(members)") }
            let b = boosting
            guard b.learningRate > 0, b.learningRate <= 1, b.maxLeaves >= 2, b.maxDepth >= 1, b.minSamplesLeaf > 0,
                  b.maxRounds >= 1, b.l2 >= 0, b.featureFraction > 0, b.featureFraction <= 1
            else { throw ActiveLearningError("boosting parameters out of range: \(b)") }
        }
    }

    public let parameters: Parameters
    /// Relaxed points it was fitted on.
    public let trainingCount: Int
    /// The online ensemble (nil: the prior).
    let ensemble: BoostedEnsemble?
    let width: Int?

    /// True while the prediction is the bundled model's prior.
    public var isPrior: Bool { ensemble == nil }

    /// Fits on the campaign's relaxed candidates: the features of their initial structures and
    /// their relaxed E_hull.
    public init(training: [(features: SurrogateFeatures, eHull: Double)], parameters: Parameters = Parameters()) throws {
        try parameters.validate()
        for (k, t) in training.enumerated() {
            try t.features.validate("training row \(k)")
            guard t.eHull.isFinite else { throw ActiveLearningError("training row \(k): E_hull is \(t.eHull)") }
            guard t.features.row.count == training[0].features.row.count else {
                throw ActiveLearningError("training row \(k): \(t.features.row.count) features, row 0 has \(training[0].features.row.count)")
            }
        }
        self.parameters = parameters
        trainingCount = training.count
        guard training.count >= parameters.minTrainingSize else {
            ensemble = nil
            width = nil
            return
        }
        let rows = training.map(\.features.row)
        let targets = training.map(\.eHull)
        let data = BinnedMatrix(rows: rows, bins: FeatureBins(rows: rows))
        var rng = SeededGenerator(seed: parameters.seed)
        var members: [GradientBoostedTrees] = []
        var bags: [[Double]] = []
        for _ in 0..<parameters.members {
            let w = BoostedEnsemble.bootstrapWeights(count: rows.count, rng: &rng)
            members.append(.fit(data, targets: targets, weights: w, loss: .squaredError, parameters: parameters.boosting, rng: &rng))
            bags.append(w)
        }
        // σ calibration on out-of-bag errors: row i's error is that of the mean of the m members
        // that did not draw it, less the extra variance spread²(1/m − 1/members) of a mean over
        // fewer members; the spread is all members' (steadier than that of a few).
        let unscaled = BoostedEnsemble(members: members)
        var spreads: [Double] = [], errors: [Double] = []
        for i in rows.indices {
            let values = members.indices.filter { bags[$0][i] == 0 }.map { members[$0].predict(rows[i]) }
            guard !values.isEmpty else { continue }
            let m = Double(values.count), spread = unscaled.predict(rows[i]).sigma
            let error = targets[i] - values.reduce(0, +) / m
            spreads.append(spread)
            errors.append(max(error * error - spread * spread * (1 / m - 1 / Double(members.count)), 0).squareRoot())
        }
        guard errors.count >= 3 else {
            throw ActiveLearningError("only \(errors.count) rows are out of bag: raise members to calibrate sigma")
        }
        ensemble = BoostedEnsemble(members: members, sigmaScale: BoostedEnsemble.calibrationScale(
            mean: [Double](repeating: 0, count: errors.count), spread: spreads, targets: errors))
        width = rows[0].count
    }

    /// Predicted relaxed E_hull (eV/atom) and σ for a proposal.
    public func predict(_ features: SurrogateFeatures) throws -> (mean: Double, sigma: Double) {
        try features.validate("features")
        guard let ensemble, let width else { return (features.priorMean, features.priorSigma) }
        guard features.row.count == width else {
            throw ActiveLearningError("features: \(features.row.count) values, the surrogate was fitted on \(width)")
        }
        return ensemble.predict(features.row)
    }
}
