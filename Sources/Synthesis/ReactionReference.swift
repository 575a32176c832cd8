import KilnSupport
import Thermo

/// The lowest entry of each reduced formula in `HullService`'s MP reference (formation energies
/// per atom), read once per process and shared by every route search.
enum ReactionReference {
    private static let cache = LockedValue<[String: ThermoEntry]?>(nil)

    static func groundStates() throws -> [String: ThermoEntry] {
        try cache.withLock { cached in
            if let cached { return cached }
            var ground: [String: ThermoEntry] = [:]
            for e in try HullService(reference: .materialsProject).referenceEntries {
                let f = e.composition.reducedFormula
                if e.energyPerAtom < ground[f]?.energyPerAtom ?? .infinity { ground[f] = e }
            }
            cached = ground
            return ground
        }
    }
}
