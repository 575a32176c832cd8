import Crystal
import Foundation
import KilnSupport
import Potentials
import Thermo

/// One relaxed structure: outcome, energies, distance above the MP hull and the RMSD between
/// the generated and relaxed structure.
public struct RelaxedCandidate: Sendable, Codable {
    public var id: String
    public var outcome: String
    public var steps: Int
    public var energyPerAtom: Double?
    /// eV/atom above the bundled MP hull; nil when relaxation failed or an element has no reference.
    public var energyAboveHull: Double?
    /// Normalised rms displacement between generated and relaxed structure (nil: no match).
    public var rmsd: Double?

    public init(id: String, outcome: String, steps: Int, energyPerAtom: Double? = nil, energyAboveHull: Double? = nil,
                rmsd: Double? = nil) {
        self.id = id
        self.outcome = outcome
        self.steps = steps
        self.energyPerAtom = energyPerAtom
        self.energyAboveHull = energyAboveHull
        self.rmsd = rmsd
    }
}

/// Relaxes candidates with a potential (both cores) and places the results on the MP hull.
public struct StabilityEvaluation: Sendable {
    public var relaxer: Relaxer
    public var hull: HullService

    public init(relaxer: Relaxer, hull: HullService) {
        self.relaxer = relaxer
        self.hull = hull
    }

    /// Relaxes every structure (in parallel over the available cores); `progress` gets the
    /// number finished so far.
    public func run(_ candidates: [NamedStructure], progress: (@Sendable (Int) -> Void)? = nil) -> [RelaxedCandidate] {
        WorkQueue.map(candidates.count, progress: progress.map { p in { done, _ in p(done) } }) { relax(candidates[$0]) }
    }

    /// Relaxation of one candidate; errors and failures become records without energies.
    public func relax(_ c: NamedStructure) -> RelaxedCandidate {
        let r: RelaxationResult
        do { r = try relaxer.relax(c.structure) } catch {
            return RelaxedCandidate(id: c.id, outcome: "error: \(ErrorText.describe(error))", steps: 0)
        }
        guard case .failed = r.outcome else {
            let final = r.final.structure
            return RelaxedCandidate(id: c.id, outcome: r.outcome.label, steps: r.steps, energyPerAtom: r.finalEnergyPerAtom,
                                    energyAboveHull: hull.energyAboveHull(final.composition, energy: r.final.result.energy),
                                    rmsd: relaxationRMSD(c.structure, final))
        }
        return RelaxedCandidate(id: c.id, outcome: r.outcome.description, steps: r.steps)
    }
}
