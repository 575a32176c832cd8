import Crystal
import Foundation

/// A phase: composition, total energy, an optional energy correction, an id and free attributes
/// (pymatgen's `ComputedEntry`/`PDEntry`).
public struct ThermoEntry: Sendable, Equatable {
    /// The composition as written; `energy` belongs to these amounts.
    public var composition: Composition
    /// Total energy before correction (eV, for `composition`).
    public var uncorrectedEnergy: Double
    /// Energy correction added to the total energy (eV), e.g. MP2020 anion and GGA+U terms.
    public var correction: Double
    public var id: String
    /// Free-form attributes carried along unchanged (source, mp-id, …).
    public var attributes: [String: String]

    /// Creates an entry; throws when the composition is empty or negative or the energy is not finite.
    public init(composition: Composition, energy: Double, correction: Double = 0, id: String,
                attributes: [String: String] = [:]) throws {
        guard composition.items.allSatisfy({ $0.1 >= 0 }) else {
            throw ThermoError.invalidEntry(id: id, reason: "negative amount in \(composition.formula)")
        }
        guard composition.numAtoms > Composition.amountTolerance else {
            throw ThermoError.invalidEntry(id: id, reason: "composition has no atoms")
        }
        guard energy.isFinite, correction.isFinite else {
            throw ThermoError.invalidEntry(id: id, reason: "energy is not a finite number")
        }
        self.composition = composition
        self.uncorrectedEnergy = energy
        self.correction = correction
        self.id = id
        self.attributes = attributes
    }

    /// An entry from a formation energy per atom (elements at 0), as the MP reference stores them.
    public init(composition: Composition, energyPerAtom: Double, id: String,
                attributes: [String: String] = [:]) throws {
        try self.init(composition: composition, energy: energyPerAtom * composition.numAtoms, id: id,
                      attributes: attributes)
    }

    /// Corrected total energy (eV).
    public var energy: Double { uncorrectedEnergy + correction }
    /// Corrected energy per atom (eV/atom).
    public var energyPerAtom: Double { energy / composition.numAtoms }

    /// pymatgen's entry equality as a set member: the same formula as written, the same total
    /// energy printed to 8 decimals (pymatgen's hash) and within `numpy.allclose` (rtol 1e-5, atol 1e-8).
    public func isSamePhase(as other: ThermoEntry) -> Bool {
        composition.formula == other.composition.formula
            && String(format: "%.8f", energy) == String(format: "%.8f", other.energy)
            && abs(energy - other.energy) <= 1e-8 + 1e-5 * abs(other.energy)
    }
}
