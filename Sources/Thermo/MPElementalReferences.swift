import Crystal
import Foundation

/// MP's elemental reference energies: the MP2020-compatible GGA/GGA+U energy per atom of each
/// element's lowest-energy entry (matbench-discovery's 2023-02-07 table, 89 elements). They turn
/// raw total energies (e.g. CHGNet's) into formation energies on MP's scale.
public struct MPElementalReferences: Sendable {
    /// eV/atom by element.
    public let energyPerAtom: [Element: Double]
    /// MP material id of each reference.
    public let materialID: [Element: String]

    /// The bundled table.
    public static func bundled() throws -> MPElementalReferences {
        guard let url = Bundle.module.url(forResource: "mp_elemental_references", withExtension: "json"),
              let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
              let table = obj["elements"] as? [String: [String: Any]]
        else { throw ThermoError.invalidInput("bundled MP elemental references are missing") }
        var e: [Element: Double] = [:], id: [Element: String] = [:]
        for (sym, row) in table {
            guard let el = try? Element(sym), let v = row["energy_per_atom"] as? Double else { continue }
            e[el] = v
            id[el] = row["material_id"] as? String
        }
        return MPElementalReferences(energyPerAtom: e, materialID: id)
    }

    /// Formation energy per atom (eV/atom) of a total energy (eV) for `composition`.
    public func formationEnergyPerAtom(of composition: Composition, energy: Double) throws -> Double {
        var ref = 0.0
        var missing: [String] = []
        for (el, amt) in composition.items {
            if let mu = energyPerAtom[el] { ref += amt * mu } else { missing.append(el.symbol) }
        }
        guard missing.isEmpty else {
            throw ThermoError.missingElementalReference(missing)
        }
        return (energy - ref) / composition.numAtoms
    }
}
