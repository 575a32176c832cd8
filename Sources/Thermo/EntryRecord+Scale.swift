import Crystal

/// The energy scale a set of entries is put on.
public enum EnergyScale: Sendable {
    /// Total energies as given; the entries' own pure-element entries are the references.
    case raw
    /// Formation energy per atom with elements at 0 (MP's scale): total energies are converted with
    /// MP's elemental reference energies, after MP2020 corrections when `corrections` is given.
    case formation
}

extension EntryRecord {
    /// The entry on `scale`. A formation energy cannot be put on the raw scale.
    public func entry(on scale: EnergyScale, corrections: MP2020Compatibility? = nil,
                      references: MPElementalReferences? = nil) throws -> ThermoEntry {
        let n = composition.numAtoms
        let total: Double
        switch energy {
        case .formationPerAtom(let f):
            guard scale == .formation else {
                throw ThermoError.invalidInput("\(location): a formation energy cannot be mixed with total energies "
                                               + "unless every entry gives one (or the MP reference is used)")
            }
            return try ThermoEntry(composition: composition, energyPerAtom: f, id: id, attributes: attributes)
        case .total(let e): total = e
        case .perAtom(let e): total = e * n
        }
        let corr = corrections?.correction(for: composition) ?? 0
        switch scale {
        case .raw:
            return try ThermoEntry(composition: composition, energy: total, correction: corr, id: id,
                                   attributes: attributes)
        case .formation:
            guard let refs = references else {
                throw ThermoError.invalidInput("\(location): total energies need elemental reference energies")
            }
            let f: Double
            do { f = try refs.formationEnergyPerAtom(of: composition, energy: total + corr) } catch {
                throw ThermoError.invalidInput("\(location): \(error)")
            }
            var attrs = attributes
            attrs["energy_input_eV"] = "\(total)"
            if corrections != nil { attrs["mp2020_correction_eV"] = "\(corr)" }
            return try ThermoEntry(composition: composition, energyPerAtom: f, id: id, attributes: attrs)
        }
    }
}
