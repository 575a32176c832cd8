import Crystal
import Foundation
import KilnSupport
import Thermo

/// How far a precursor lies above what air would turn it into on the shelf: its grand-potential energy
/// above the hull of its chemical system in dry ambient air (O2 and CO2 exchanged at their partial
/// pressures; water vapour at the air's humidity and N2 as phases a hydroxide, ammonium salt or nitrate
/// could give off), with the solids at 300 K (`SolidGibbs`, the tables' lowest temperature). A reagent
/// chemists buy and weigh is one air leaves alone: Li2CO3 rather than LiOH, MnO2 rather than MnO,
/// BaCO3 rather than BaO (docs/synthesis.md, "Shelf stability").
///
/// Energies are per cation: per atom of the precursor's elements other than C, H, N and O.
public enum ShelfStability {
    /// The shelf temperature (K): the Gibbs tables' lowest, for 298 K.
    public static let temperature = 300.0
    /// Partial pressures of air (bar): O2 0.21 and CO2 420 ppm exchanged; H2O at 50 % relative humidity
    /// at 298 K and N2 0.78 for the phases that hold H or N; H2 at 1 bar only as H's reference (never stable in air).
    public static let partialPressures: [String: Double] = ["O2": 0.21, "CO2": 4.2e-4, "H2O": 0.016, "N2": 0.78, "H2": 1]
    /// A precursor more than this (eV per cation) above the ambient-air hull is one air changes on the
    /// shelf: about the scatter of the MP carbonate correction (0.14 eV per CO2 over 15 carbonates,
    /// `gases.csv`), the uncertainty of a carbonation energy per metal atom.
    public static let tolerance = 0.15
    private static let cache = LockedValue<[String: Double]>([:])

    /// Energy above the ambient-air hull (eV per cation, ≥ 0) of each precursor by formula; precursors
    /// without a cation (C) or without an MP entry are left out. Computed once per composition per process.
    public static func energies(of precursors: [Precursor]) throws -> [String: Double] {
        let missing = cache.withLock { known in precursors.filter { known[$0.composition.reducedFormula] == nil } }
        if !missing.isEmpty {
            let found = try compute(missing)
            cache.withLock { $0.merge(found) { a, _ in a } }
        }
        let known = cache.withLock { $0 }
        var out: [String: Double] = [:]
        for p in precursors { if let e = known[p.composition.reducedFormula], e.isFinite { out[p.formula] = e } }
        return out
    }

    /// Energies by reduced formula; +∞ marks a precursor that cannot be placed (no cation or no MP entry).
    private static func compute(_ precursors: [Precursor]) throws -> [String: Double] {
        let solids = try SolidGibbs(temperature: temperature)
        let gases = try ReactionGas.bundled()
        let kt = PhysicalConstants.boltzmann * temperature
        func mu(_ g: String) throws -> Double {
            guard let gas = gases[g], let p = partialPressures[g] else { throw SynthesisError("gases.csv has no \(g)") }
            return gas.freeEnergy(temperature: temperature) + kt * log(p)
        }
        let (o, c) = try (Element("O"), Element("C"))
        let muO = try mu("O2") / 2
        let open: [Element: Double] = [o: muO, c: try mu("CO2") - 2 * muO]
        let volatile = PrecursorRoutes.volatileElements
        let ground = try ReactionReference.groundStates()
        let gasFormulas = Set(gases.values.map(\.composition.reducedFormula))
        let hull = try HullService(reference: .none)
        // A phase's grand-potential entry: its Gibbs energy less O and C at their chemical potentials,
        // on its other (closed) elements; nil for a phase of O and C alone (the air itself).
        func grand(_ comp: Composition, energy g: Double, id: String) throws -> ThermoEntry? {
            let closed = comp.items.filter { open[$0.0] == nil }
            guard !closed.isEmpty else { return nil }
            let phi = g - comp.items.reduce(0) { $0 + (open[$1.0] ?? 0) * $1.1 }
            return try ThermoEntry(composition: Composition(closed), energy: phi, id: id)
        }
        func solid(_ e: ThermoEntry) throws -> Double {
            try solids.energyPerAtom(e.composition, formationEnergyPerAtom: e.energyPerAtom) * e.composition.numAtoms
        }
        var diagrams: [Set<Element>: PhaseDiagram] = [:]
        var out: [String: Double] = [:]
        for p in precursors {
            let formula = p.composition.reducedFormula
            let closed = Set(p.composition.elements).subtracting(open.keys)
            let cations = p.composition.items.filter { !volatile.contains($0.0) }.reduce(0) { $0 + $1.1 }
            guard cations > 0, let own = ground[formula], let entry = try grand(own.composition, energy: try solid(own), id: formula) else {
                out[formula] = .infinity
                continue
            }
            if diagrams[closed] == nil {
                let allowed = closed.union(open.keys)
                var entries: [ThermoEntry] = []
                // MP's solids, less its molecular solids of the gases and its solid O, N and H.
                for (f, e) in ground where Set(e.composition.elements).isSubset(of: allowed) && !gasFormulas.contains(f)
                    && !(e.composition.elements.count == 1 && volatile.contains(e.composition.elements[0])) {
                    if let x = try grand(e.composition, energy: try solid(e), id: f) { entries.append(x) }
                }
                for g in ["H2O", "N2", "H2"] {
                    guard let gas = gases[g], Set(gas.composition.elements).isSubset(of: allowed),
                          let x = try grand(gas.composition, energy: try mu(g), id: "gas:" + g) else { continue }
                    entries.append(x)
                }
                diagrams[closed] = try hull.join(entries, scale: .formation, phaseSeparation: false).diagram
            }
            let above = try diagrams[closed]!.analyze(entry, phaseSeparation: false).energyAboveHull
            out[formula] = max(0, above) * entry.composition.numAtoms / (cations * own.composition.numAtoms / p.composition.numAtoms)
        }
        return out
    }
}
