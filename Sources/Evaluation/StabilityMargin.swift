import Crystal
import Foundation
import KilnSupport
import Potentials
import ReferenceData
import Thermo

/// One known phase relaxed with the potential and placed on the MP reference hull.
public struct KnownPhaseOffset: Sendable, Codable, Equatable {
    public var formula: String
    /// Id of the bundled MP structure relaxed.
    public var id: String
    public var sites: Int
    /// `converged`, `not_converged` or `failed` (with the reason in `error`).
    public var outcome: String
    /// The potential's energy per atom after relaxation (eV/atom; nil when failed).
    public var energyPerAtom: Double?
    /// Signed eV/atom from the MP reference hull at this composition (the phase's own MP energy
    /// included): positive when the potential puts the known phase above MP's hull. Nil unless
    /// the relaxation converged.
    public var offset: Double?
    public var error: String?
}

/// The potential's systematic offset on the MP hull phases of one chemical system, and the
/// stability margin it implies (docs/metrics.md, "Stability margin").
public struct StabilityMargin: Sendable, Codable, Equatable {
    /// "Li-Mn-O" (symbols sorted).
    public var system: String
    /// Every hull compound considered, measured or not.
    public var phases: [KnownPhaseOffset]
    /// Hull compounds left out, with the reason ("Li2MnO3: no bundled MP structure").
    public var skipped: [String]
    /// Largest cell relaxed (sites).
    public var maxAtoms: Int

    /// Offsets of the converged phases.
    public var offsets: [Double] { phases.compactMap(\.offset) }
    public var count: Int { offsets.count }
    public var median: Double? { offsets.median }
    public var min: Double? { offsets.min() }
    public var max: Double? { offsets.max() }
    /// max(0, median offset); 0 when no phase was measured.
    public var margin: Double { Swift.max(0, median ?? 0) }

    /// The system as "A-B-C" (symbols sorted).
    public static func name(_ system: [Element]) -> String { system.map(\.symbol).sorted().joined(separator: "-") }
}

/// Measures `StabilityMargin`s: the MP hull compounds of a system (on `hull`'s reference phase
/// diagram, made only of the system's elements, at least two of them) that have a bundled MP
/// structure of at most `maxAtoms` sites are relaxed with `relaxer` (a campaign's calculator and
/// settings) and placed on `hull` with its correction policy. A hull entry that is itself a bundled
/// structure is relaxed from it; otherwise the lowest-energy bundled structure of its formula is,
/// when its MP formation energy is within `sameEnergyTolerance` of the hull entry's (so it is that
/// phase, not a higher polymorph whose offset would include MP's own polymorph energy).
/// Elemental phases are left out: candidates are compounds, and an element's offset measures the
/// potential against its own MP anchor (e.g. the O2 molecule), not a compound's formation energy.
public struct MarginMeasurer: Sendable {
    public var relaxer: Relaxer
    public var maxAtoms = 60
    /// eV/atom between a hull entry and a bundled structure of its formula for the two to count as one phase.
    public var sameEnergyTolerance = 0.01
    /// Structures relaxed at once.
    public var workers = 2

    public init(relaxer: Relaxer) { self.relaxer = relaxer }

    /// The hull compounds of `system` on `hull` and what is relaxed for each: (formula, structure
    /// index in `ReferenceStructures.mp()`), or a reason it is skipped.
    public func phases(system: [Element], hull: HullService) throws -> (relax: [(formula: String, index: Int)], skipped: [String]) {
        let els = Set(system)
        let stable = try hull.referencePhaseDiagram().stableEntries.filter {
            $0.composition.elements.count >= 2 && Set($0.composition.elements).isSubset(of: els)
        }
        let mp = try ReferenceStructures.mp()
        var byFormula: [String: [Int]] = [:]
        var byID: [String: Int] = [:]
        for j in mp.indices where Set(mp.elements(at: j)).isSubset(of: els) && mp.elements(at: j).count >= 2 {
            byFormula[mp.composition(at: j).reducedFormula, default: []].append(j)
            byID[mp.id(at: j)] = j
        }
        var relax: [(String, Int)] = [], skipped: [String] = []
        var seen: Set<String> = []
        for e in stable.sorted(by: { $0.composition.reducedFormula < $1.composition.reducedFormula }) {
            let f = e.composition.reducedFormula
            guard seen.insert(f).inserted else { continue }
            let energy = { (j: Int) in mp[j].formationEnergyPerAtom ?? .infinity }
            guard let j = byID[e.id] ?? byFormula[f]?.min(by: { energy($0) < energy($1) }) else {
                skipped.append("\(f): no bundled MP structure")
                continue
            }
            let gap = energy(j) - e.energyPerAtom
            guard byID[e.id] != nil || gap <= sameEnergyTolerance else {
                skipped.append("\(f): the lowest bundled structure, \(mp.id(at: j)), is \(String(format: "%.3f", gap)) eV/atom above the MP hull phase")
                continue
            }
            guard mp.siteCount(at: j) <= maxAtoms else {
                skipped.append("\(f): \(mp.id(at: j)) has \(mp.siteCount(at: j)) sites > \(maxAtoms)")
                continue
            }
            relax.append((f, j))
        }
        return (relax, skipped)
    }

    /// Relaxes the hull compounds of `system` and returns their offsets. `progress` gets
    /// (done, total) after each relaxation.
    public func measure(system: [Element], hull: HullService,
                        progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> StabilityMargin {
        let (todo, skipped) = try phases(system: system, hull: hull)
        let mp = try ReferenceStructures.mp()
        let relaxer = self.relaxer
        let results = WorkQueue.map(todo.count, workers: workers, progress: { done, _ in progress?(done, todo.count) }) { k in
            let (formula, j) = todo[k]
            let s = mp.structure(at: j)
            var phase = KnownPhaseOffset(formula: formula, id: mp.id(at: j), sites: s.count, outcome: "failed")
            do {
                let r = try relaxer.relax(s)
                phase.outcome = r.outcome.label
                if case .failed(let why) = r.outcome { phase.error = why; return phase }
                phase.energyPerAtom = r.finalEnergyPerAtom
                if r.converged {
                    let c = r.final.structure.composition
                    phase.offset = try hull.analyze(hull.entry(c, energy: r.finalEnergyPerAtom * c.numAtoms, id: phase.id),
                                                    phaseSeparation: false).energyAboveHull
                }
            } catch {
                phase.error = "\(error)"
            }
            return phase
        }
        return StabilityMargin(system: StabilityMargin.name(system), phases: results, skipped: skipped, maxAtoms: maxAtoms)
    }
}

extension KnownPhaseOffset {
    init(formula: String, id: String, sites: Int, outcome: String) {
        self.formula = formula
        self.id = id
        self.sites = sites
        self.outcome = outcome
    }
}
