import Crystal
import Foundation
import Learning
import Potentials
import ReferenceData
import Thermo

/// The in-house accuracy benchmark of a potential (docs/benchmarks.md, "Potentials: accuracy
/// in-house"): on a fixed sample of the bundled MP structures, the formation-energy MAE against MP
/// and how well stable/unstable verdicts reproduce MP's, with the MP and the `mlip` hull reference.
///
/// Every structure of the sample's chemical systems (the sample's own included) is evaluated once
/// with the potential (`MLIPReferenceBuilder`, cached per structure; a relaxer with no steps gives
/// single points on MP's DFT geometries). Each sampled material is then
/// judged as if it were a new candidate, leave-one-out: on the MP reference without its own row and
/// without the composition-only MP rows of its reduced formula (they carry no id, so its own
/// duplicate cannot be told apart); on the `mlip` reference without its own relaxed phase. MP's
/// verdict is its E_hull on the full bundled MP reference. Leaving a phase out keeps the sign of
/// MP's verdict at every threshold ≥ 0 (a hull phase lies on or below the hull of the others; an
/// unstable one leaves the hull as it was), so the same procedure with MP's own energy, reported
/// as `oracle`, scores 1 except where a lower polymorph exists only as a composition-only row.
/// These structures are in the potentials' training data (MPtrj): this measures consistency with
/// MP, not discovery.
public enum AccuracyBenchmark {
    /// Largest cell sampled (sites).
    public static let maxSites = 20

    /// The first `size` bundled MP structures of at most `maxSites` sites in the order of the
    /// SHA-256 of their material ids (a fixed, unbiased pick, as `kiln benchmark csp` makes):
    /// indices into `ReferenceStructures.mp()`.
    public static func sample(size: Int) throws -> [Int] {
        let mp = try ReferenceStructures.mp()
        let small = mp.indices.filter { mp.siteCount(at: $0) <= maxSites && mp.isOrdered(at: $0) }
        guard (1...small.count).contains(size) else {
            throw EvaluationError(file: "--sample", "must be between 1 and \(small.count) (bundled MP structures of ≤ \(maxSites) sites), not \(size)")
        }
        return Array(small.map { (SHA256.hex(mp.id(at: $0)), $0) }.sorted { $0.0 < $1.0 }.map(\.1).prefix(size))
    }

    /// The chemical systems of sampled structures (each a sorted element list, once).
    public static func systems(_ sample: [Int]) throws -> [[Element]] {
        let mp = try ReferenceStructures.mp()
        var seen = Set<[Element]>()
        return sample.map { mp.elements(at: $0).sorted { $0.z < $1.z } }.filter { seen.insert($0).inserted }
    }

    /// One sampled material: MP's values, the potential's, and E_hull on each reference.
    public struct Row: Sendable, Codable, Equatable {
        public var id: String
        public var formula: String
        public var sites: Int
        /// MP formation energy (eV/atom) and E_hull on the full MP reference.
        public var mpFormationEnergy: Double
        public var mpEnergyAboveHull: Double
        /// The relaxation's outcome (`converged`, `not_converged`, `failed`, `error`).
        public var outcome: String
        /// The potential's formation energy (eV/atom) with MP's elemental references and with its own.
        public var formationEnergyMP: Double?
        public var formationEnergyMLIP: Double?
        /// Leave-one-out E_hull (eV/atom) of the potential's energy on the MP and the mlip reference.
        public var energyAboveHullMP: Double?
        public var energyAboveHullMLIP: Double?
        /// Leave-one-out E_hull of MP's own energy on the MP reference (the procedure's ceiling).
        public var energyAboveHullOracle: Double?
        /// An element of it has MP's reference energy on the mlip reference (no bundled pure-element structure).
        public var borrowsElementalReference = false
        /// Why a value is missing.
        public var error: String?
    }

    /// Stable/unstable classification at one threshold on one reference.
    public struct Classification: Sendable, Codable, Equatable {
        /// `mp`, `mlip`, `mlip-own` (the mlip reference, materials whose elements all have the
        /// potential's own reference energy) or `oracle`.
        public var reference: String
        /// Stable: E_hull ≤ threshold (eV/atom; `VerdictRules`' rounding slack).
        public var threshold: Double
        public var counts: ConfusionCounts
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var accuracy: Double

        public init(reference: String, threshold: Double, counts: ConfusionCounts) {
            self.reference = reference
            self.threshold = threshold
            self.counts = counts
            precision = counts.precision
            recall = counts.recall
            f1 = counts.f1
            accuracy = counts.accuracy
        }
    }

    /// The benchmark's answer.
    public struct Report: Sendable, Codable {
        /// `PotentialModel` name and the cache key (potential, version, relaxation settings).
        public var model: String
        public var settings: String
        public var sampleSize: Int
        public var maxSites: Int
        /// Structures relaxed for the mlip reference (the sample's own included) and how much of the
        /// MP reference of the sample's systems they cover.
        public var referenceStructures: Int
        public var coverage: String
        /// Materials with every value (the metrics are over these).
        public var evaluated: Int
        /// Formation-energy MAE (eV/atom) against MP with MP's elemental references and the potential's
        /// own; nil when no material was evaluated.
        public var formationMAEMP: Double?
        public var formationMAEMLIP: Double?
        /// Elements whose reference energy on the mlip reference is MP's, and the materials evaluated without them.
        public var borrowedElementalReferences: [String]
        public var evaluatedOwnElements: Int
        public var classifications: [Classification]
        public var rows: [Row]
    }

    /// Thresholds classified: 0 (on the hull) and a campaign's stability threshold.
    public static let thresholds = [0, VerdictRules.campaign.stabilityThreshold]

    /// Scores `rows` (those with every value) into a report.
    public static func report(model: String, settings: String, rows: [Row], referenceStructures: Int,
                              coverage: String, borrowedElementalReferences: [String] = []) -> Report {
        let done = rows.filter {
            $0.formationEnergyMP != nil && $0.formationEnergyMLIP != nil && $0.energyAboveHullMP != nil
                && $0.energyAboveHullMLIP != nil && $0.energyAboveHullOracle != nil
        }
        let truth = done.map(\.mpFormationEnergy)
        let mae = { (xs: [Double]) in done.isEmpty ? nil : Metrics.meanAbsoluteError(xs, truth) }
        var classes: [Classification] = []
        for t in thresholds {
            let rules = VerdictRules(stabilityThreshold: t, requireConverged: false, representative: .first)
            let stable = { (e: Double?) in rules.isStable(energyAboveHull: e, converged: true) }
            let own = done.filter { !$0.borrowsElementalReference }
            for (name, e, set) in [("mp", \Row.energyAboveHullMP, done), ("mlip", \Row.energyAboveHullMLIP, done),
                                   ("mlip-own", \Row.energyAboveHullMLIP, own), ("oracle", \Row.energyAboveHullOracle, done)] {
                let counts = ConfusionCounts(predicted: set.map { stable($0[keyPath: e]) }, actual: set.map { stable($0.mpEnergyAboveHull) })
                classes.append(Classification(reference: name, threshold: t, counts: counts))
            }
        }
        return Report(model: model, settings: settings, sampleSize: rows.count, maxSites: maxSites,
                      referenceStructures: referenceStructures, coverage: coverage, evaluated: done.count,
                      formationMAEMP: mae(done.map { $0.formationEnergyMP! }),
                      formationMAEMLIP: mae(done.map { $0.formationEnergyMLIP! }),
                      borrowedElementalReferences: borrowedElementalReferences,
                      evaluatedOwnElements: done.filter { !$0.borrowsElementalReference }.count, classifications: classes, rows: rows)
    }

    /// Relaxes what the cache lacks and scores the sample. `model` names the potential (its
    /// `PotentialModel` name); `corrections` follows the potential's energy scale.
    public static func run(sample: [Int], model: String, builder: MLIPReferenceBuilder, corrections: HullService.Corrections,
                           cache: any MLIPReferenceCache, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Report {
        let mp = try ReferenceStructures.mp()
        let systems = try systems(sample)
        let mpHull = try HullService(corrections: corrections)
        let coverage = try MLIPReferenceBuilder.coverage(systems: systems, mpHull: mpHull)
        let reference = try builder.build(systems: systems, cache: cache, coverage: coverage, progress: progress)
        let mlipHull = try HullService(mlip: reference, corrections: corrections)
        let mpRows = Dictionary(mpHull.referenceEntries.filter { $0.id.hasPrefix("mp-") }.map { ($0.id, $0) }) { a, _ in a }
        let phases = Dictionary(reference.phases.map { ($0.id, $0) }) { a, _ in a }
        let rows = try sample.map { j -> Row in
            let id = mp.id(at: j)
            let composition = mp.composition(at: j)
            let reduced = composition.reducedFormula
            guard let mpEntry = mpRows[id] else {
                throw EvaluationError(file: "mp_reference.csv.gz", "no row for \(id), a bundled MP structure")
            }
            var row = Row(id: id, formula: reduced, sites: mp.siteCount(at: j), mpFormationEnergy: mpEntry.energyPerAtom,
                          mpEnergyAboveHull: try mpHull.analyze(mpEntry, phaseSeparation: false).energyAboveHull,
                          outcome: phases[id]?.outcome ?? "error")
            let ownMP = { (e: ThermoEntry) in e.id == id || (e.id.hasPrefix("matbench:") && e.composition.reducedFormula == reduced) }
            guard let phase = phases[id], let energy = phase.energy else {
                row.error = phases[id]?.error ?? "not relaxed"
                return row
            }
            // A value that cannot be computed (e.g. nothing left of an element's system once it is
            // left out) leaves the row unscored, with the reason.
            do {
                row.energyAboveHullOracle = try mpHull.analyze(mpEntry, leavingOut: ownMP).energyAboveHull
                let c = try Composition(phase.formula)
                row.borrowsElementalReference = c.elements.contains { mlipHull.borrowedElementalReferences.contains($0) }
                let onMP = try mpHull.entry(c, energy: energy, id: id)
                row.formationEnergyMP = onMP.energyPerAtom
                row.energyAboveHullMP = try mpHull.analyze(onMP, leavingOut: ownMP).energyAboveHull
                let onMLIP = try mlipHull.entry(c, energy: energy, id: id)
                row.formationEnergyMLIP = onMLIP.energyPerAtom
                row.energyAboveHullMLIP = try mlipHull.analyze(onMLIP, leavingOut: { $0.id == id }).energyAboveHull
            } catch {
                row.error = "\(error)"
            }
            return row
        }
        return report(model: model, settings: builder.key, rows: rows, referenceStructures: reference.phases.count, coverage: coverage,
                      borrowedElementalReferences: mlipHull.borrowedElementalReferences.map(\.symbol))
    }
}
