import Crystal
import Foundation
import Generation
import Properties
import ReferenceData
import Thermo

/// Weights of the RL composition reward:
/// `−stability·E_hull + chargeBalance·[neutral] + novelty·[unknown to MP] + target·targetTerm`.
public struct RewardWeights: Sendable, Hashable {
    /// Weight of −E_hull (eV/atom, clipped to 0…`CompositionReward.eHullCap`).
    public var stability: Double
    /// Bonus for a charge-neutral composition (`ChargeBalance.isNeutral`).
    public var chargeBalance: Double
    /// Bonus for a reduced formula that Materials Project does not list.
    public var novelty: Double
    /// Weight of the caller's target term.
    public var target: Double

    public init(stability: Double = 1, chargeBalance: Double = 0.2, novelty: Double = 0, target: Double = 0) {
        self.stability = stability
        self.chargeBalance = chargeBalance
        self.novelty = novelty
        self.target = target
    }
}

/// E_hull of a composition placed on the MP hull from the bundled composition formation-energy
/// model (`LearnedModel.bundled(.formationEnergy)`), with no structure.
public struct PredictedHullEnergy: Sendable {
    public let hull: HullService
    public let model: LearnedModel

    /// `hull` places the predictions (a campaign passes its own); `model` is a composition model of
    /// formation energy.
    public init(hull: HullService, model: LearnedModel) {
        self.hull = hull
        self.model = model
    }

    /// The bundled formation-energy model on the MP hull of `elements`.
    public init(elements: Set<Element>) throws {
        self.init(hull: try HullService(elements: elements), model: try LearnedModel.bundled(.formationEnergy))
    }

    /// Predicted eV/atom above the hull (negative when the prediction falls below it); nil when the
    /// model or the hull has no data for an element.
    public func energyAboveHull(_ composition: Composition) -> Double? {
        guard let f = try? model.predict(composition).mean,
              let entry = try? ThermoEntry(composition: composition, energyPerAtom: f, id: "predicted") else { return nil }
        return try? hull.analyze(entry, phaseSeparation: false).energyAboveHull
    }
}

/// The reward of a finished composition (see `RewardWeights`). E_hull is the campaign's own relaxed
/// value for compositions it has evaluated (`evaluated`, by reduced formula), otherwise the
/// prediction of `PredictedHullEnergy`. Values are cached by reduced formula.
public struct CompositionReward {
    public var weights: RewardWeights
    public var predictor: PredictedHullEnergy
    /// Lowest relaxed E_hull per reduced formula.
    public var evaluated: [String: Double]
    /// Known reduced formulas (for the novelty term).
    public var known: Set<String>
    public var target: ((Composition) -> Double)?
    public var oxidationStates: OxidationStateSet
    private var cache: [String: Double] = [:]

    /// E_hull above this (or without a prediction) counts as this (eV/atom).
    public static let eHullCap = 1.0

    public init(weights: RewardWeights, predictor: PredictedHullEnergy, evaluated: [String: Double], known: Set<String>,
                target: ((Composition) -> Double)?, oxidationStates: OxidationStateSet) {
        self.weights = weights
        self.predictor = predictor
        self.evaluated = evaluated
        self.known = known
        self.target = target
        self.oxidationStates = oxidationStates
    }

    /// Reduced formulas Materials Project knows: the hull reference and `MPKnownFormulas`.
    public static func knownFormulas(_ hull: HullService) throws -> Set<String> {
        hull.referenceFormulas.union(try MPKnownFormulas.rows().map { try Composition($0.formula).reducedFormula })
    }

    public mutating func callAsFunction(_ composition: Composition) -> Double {
        let formula = composition.reducedFormula
        if let r = cache[formula] { return r }
        var r = 0.0
        if weights.stability != 0 {
            let e = evaluated[formula] ?? predictor.energyAboveHull(composition.reduced) ?? Self.eHullCap
            r -= weights.stability * min(max(e, 0), Self.eHullCap)
        }
        if weights.chargeBalance != 0 && ChargeBalance.isNeutral(composition, states: oxidationStates) {
            r += weights.chargeBalance
        }
        if weights.novelty != 0 && !known.contains(formula) { r += weights.novelty }
        if weights.target != 0, let target { r += weights.target * target(composition) }
        cache[formula] = r
        return r
    }
}
