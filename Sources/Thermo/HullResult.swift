/// One phase of a decomposition and its share of the atoms.
public struct DecompositionPart: Sendable {
    public let entry: ThermoEntry
    /// Atom fraction (the parts of a decomposition sum to 1).
    public let fraction: Double
}

/// Where an entry sits relative to the convex hull of a phase diagram.
public struct HullResult: Sendable {
    public let entry: ThermoEntry
    /// Formation energy per atom relative to the elemental references (eV/atom).
    public let formationEnergyPerAtom: Double
    /// Energy above the hull (eV/atom): 0 for hull vertices, negative for an outside entry below the hull.
    public let energyAboveHull: Double
    /// pymatgen's `entry in pd.stable_entries` for entries of the diagram (a hull vertex or an exact
    /// copy of one); for an outside entry, whether it lies on or below the hull.
    public let isStable: Bool
    /// Hull phases the entry's composition decomposes into (a stable entry: itself), largest share first.
    public let decomposition: [DecompositionPart]
    /// For stable entries: energy relative to the hull of all other compositions (eV/atom, ≤ 0),
    /// pymatgen's `get_phase_separation_energy` (ΔE_d). Nil for unstable entries.
    public let phaseSeparationEnergy: Double?
}
