import Crystal
import Foundation
import Thermo

/// Energy above the bundled Materials Project hull for a total energy from a potential:
/// formation energy from MP's elemental references (`MPElementalReferences`), optionally after
/// adding the MP2020 correction for the composition, then the MP formation-energy hull
/// (`MPReference`, `PhaseDiagram`). Potentials trained on MP2020-corrected energies (CHGNet,
/// trained on MPtrj's corrected energies) must not be corrected again; see docs/metrics.md.
public final class HullReference: @unchecked Sendable {
    private let diagram: PhaseDiagram
    private let references: MPElementalReferences
    private let compatibility: MP2020Compatibility?
    private let lock = NSLock()

    /// Loads the bundled MP hull; `applyMP2020` adds MP2020 corrections to each energy.
    public init(applyMP2020: Bool = false) throws {
        diagram = try PhaseDiagram(entries: MPReference.entries())
        references = try MPElementalReferences.bundled()
        compatibility = applyMP2020 ? try MP2020Compatibility.bundled() : nil
    }

    /// eV/atom above the hull for total `energy` (eV) of `composition`; nil when an element has
    /// no MP reference.
    public func energyAboveHull(_ composition: Composition, energy: Double) -> Double? {
        let corrected = energy + (compatibility?.correction(for: composition) ?? 0)
        lock.lock(); defer { lock.unlock() }
        guard let formation = try? references.formationEnergyPerAtom(of: composition, energy: corrected),
              let entry = try? ThermoEntry(composition: composition, energyPerAtom: formation, id: "candidate")
        else { return nil }
        return try? diagram.analyze(entry, phaseSeparation: false).energyAboveHull
    }
}
