import Crystal
import Thermo

/// The interface reaction hull of two precursors: the hull of their chemical system (MP ground states
/// and the target at their Gibbs energies, the gases, all at the chosen temperature) along the
/// mixing line x·A + (1−x)·B, per atom.
/// Following the pseudo-binary reaction analysis of Aykol et al. (2021) and McDermott et al. (2023),
/// the phases the line meets are what the pair can form instead of the target.
struct ReactionCompetition {
    /// Interior mixing ratios sampled (every 2 atom %), then refined around each phase's best sample.
    static let samples = 49
    /// Finer samples on each side of a phase's best coarse sample (every 0.1 atom %).
    static let refinement = 20

    /// For each phase on the hull along the line (the precursors, the target and the gases left out),
    /// the reaction energy (eV per atom of the mixture) where it forms: at the sampled ratio where its
    /// share of the products is largest, i.e. at its kink on the line to within the finer sampling (a
    /// phase's share peaks at its kink and falls linearly to 0 at the neighbouring kinks).
    let phases: [String: Double]

    /// Builds the pair's diagram from `entries` (one per phase, on one scale, with a pure entry for each
    /// element; the precursors' own phases among them) and samples the line.
    init(_ a: Composition, _ b: Composition, entries: [ThermoEntry], excluded: Set<String>, hull: HullService) throws {
        let diagram = try hull.join(entries, scale: .formation, phaseSeparation: false).diagram
        let energyOf: (Composition) -> Double? = { c in
            entries.filter { $0.composition.reducedFormula == c.reducedFormula }.map(\.energyPerAtom).min()
        }
        guard let ea = energyOf(a), let eb = energyOf(b) else { throw SynthesisError("no energy for \(a.reducedFormula) or \(b.reducedFormula)") }
        // Energies on the diagram's own scale (its elemental references may sit below 0: O2 at T).
        let fa = try diagram.analyze(ThermoEntry(composition: a, energyPerAtom: ea, id: "a"), phaseSeparation: false).formationEnergyPerAtom
        let fb = try diagram.analyze(ThermoEntry(composition: b, energyPerAtom: eb, id: "b"), phaseSeparation: false).formationEnergyPerAtom
        let unitA = a * (1 / a.numAtoms), unitB = b * (1 / b.numAtoms)
        var found: [String: (share: Double, x: Double, energy: Double)] = [:]
        func probe(_ x: Double) throws {
            let r = try diagram.analyze(ThermoEntry(composition: unitA * x + unitB * (1 - x), energy: 0, id: "probe"), phaseSeparation: false)
            let delta = r.formationEnergyPerAtom - r.energyAboveHull - (x * fa + (1 - x) * fb)
            for part in r.decomposition where part.fraction > 1e-6 {
                let f = part.entry.composition.reducedFormula
                if !excluded.contains(f), part.fraction > found[f]?.share ?? 0 { found[f] = (part.fraction, x, delta) }
            }
        }
        let step = 1 / Double(Self.samples + 1)
        for i in 1...Self.samples { try probe(Double(i) * step) }
        // Around each phase's best sample, a finer grid finds its kink to 0.1 atom %.
        for (_, best) in found {
            for j in -Self.refinement...Self.refinement where j != 0 {
                let x = best.x + Double(j) * step / Double(Self.refinement)
                if x > 0, x < 1 { try probe(x) }
            }
        }
        phases = found.mapValues(\.energy)
    }
}
