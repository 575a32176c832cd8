import Crystal
import Foundation
import KilnSupport
import ReferenceData
import Thermo

/// The lowest entry of each reduced formula in `HullService`'s MP reference (formation energies
/// per atom), the volume per atom of each formula's bundled MP structure, and the elements' Gibbs
/// energies; each read once per process and shared by every route search.
enum ReactionReference {
    private static let cache = LockedValue<[String: ThermoEntry]?>(nil)
    private static let volumeCache = LockedValue<VolumeTable?>(nil)
    private static let elementCache = LockedValue<[Element: [Double]]?>(nil)
    /// The temperatures (K) of `elementGibbs()`'s columns: 300 to 2000 every 100.
    static let gibbsTemperatures = Array(stride(from: 300.0, through: 2000.0, by: 100.0))

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

    /// Volumes per atom of the bundled MP structures (`ReferenceStructures.mp()`), by reduced formula.
    static func volumes() throws -> VolumeTable {
        try volumeCache.withLock { cached in
            if let cached { return cached }
            let mp = try ReferenceStructures.mp()
            var best: [String: (energy: Double, composition: Composition, volume: Double)] = [:]
            for i in mp.indices where mp.isOrdered(at: i) {
                let e = mp.formationEnergyPerAtom(at: i) ?? .infinity
                let c = mp.composition(at: i)
                let f = c.reducedFormula
                if best[f] == nil || e < best[f]!.energy { best[f] = (e, c, mp.structure(at: i).volumePerAtom) }
            }
            let table = VolumeTable(byFormula: best.mapValues { ($0.composition, $0.volume) })
            cached = table
            return table
        }
    }

    /// G(T) − H(298 K) of each element (eV/atom) at `gibbsTemperatures`, `Resources/element_gibbs.csv`
    /// (pymatgen's table after Bartel et al. 2018; scripts/build_element_gibbs.py).
    static func elementGibbs() throws -> [Element: [Double]] {
        try elementCache.withLock { cached in
            if let cached { return cached }
            guard let url = Bundle.module.url(forResource: "element_gibbs", withExtension: "csv", subdirectory: "Resources") else {
                throw SynthesisError("element_gibbs.csv is missing from the Synthesis bundle")
            }
            let table = try CSVTable(text: try String(contentsOf: url, encoding: .utf8), skipsComments: true)
            guard table.header == ["element"] + gibbsTemperatures.map({ String(Int($0)) }) else {
                throw SynthesisError("element_gibbs.csv: unexpected header \(table.header.joined(separator: ","))")
            }
            var out: [Element: [Double]] = [:]
            for (row, line) in zip(table.rows, table.rowLines) {
                let values = row.dropFirst().compactMap(Double.init)
                guard let el = try? Element(row[0]), values.count == gibbsTemperatures.count else {
                    throw SynthesisError("element_gibbs.csv, line \(line): malformed row")
                }
                out[el] = values
            }
            cached = out
            return out
        }
    }
}

/// Solids' Gibbs energies at a temperature after Bartel et al., Nat. Commun. 9, 4168 (2018), as
/// pymatgen's `GibbsComputedStructureEntry` applies them: a compound's formation energy
/// G_f(T) = ΔH_f + G^δ(T) − Σ x_i G_i(T) per atom, with ΔH_f the MP formation energy and G_i the
/// elements' Gibbs energies. Energies are returned on the scale of the gases (`ReactionGas`):
/// elements at H(298 K) = 0, i.e. ΔH_f + G^δ(T) for a compound and G_i(T) for an element, so
/// that reactions with gases balance (O, N and H: their gases' JANAF G(T) per atom, as in the table).
/// The volume per atom is that of the formula's bundled MP structure, estimated when it has none
/// (`VolumeTable`).
struct SolidGibbs {
    let temperature: Double
    /// G_i(T) per element (eV/atom).
    let elements: [Element: Double]
    let volumes: VolumeTable

    init(temperature: Double) throws {
        let range = PrecursorRoutes.temperatureRange
        guard range.contains(temperature) else {
            throw SynthesisError("temperature must be between \(Int(range.lowerBound)) and \(Int(range.upperBound)) K (the range of the solids' Gibbs energies), got \(temperature)")
        }
        let grid = ReactionReference.gibbsTemperatures
        let k = min(grid.count - 2, Int((temperature - grid[0]) / 100))
        let w = (temperature - grid[k]) / 100
        let elements = try ReactionReference.elementGibbs().mapValues { $0[k] * (1 - w) + $0[k + 1] * w }
        (self.temperature, self.elements, self.volumes) = (temperature, elements, try ReactionReference.volumes())
    }

    /// G^δ(T) (eV/atom), Bartel et al. Eq. 4: V the volume per atom (Å³), m the reduced mass (amu).
    static func gDelta(volumePerAtom v: Double, reducedMass m: Double, temperature t: Double) -> Double {
        (-2.48e-4 * log(v) - 8.94e-5 * m / v) * t + 0.181 * log(t) - 0.882
    }

    /// Bartel et al. Eq. 6: Σ over element pairs of (x_i + x_j)·m_i·m_j/(m_i + m_j), divided by
    /// (number of elements − 1)·(atoms of the reduced formula). Needs two or more elements.
    static func reducedMass(_ c: Composition) -> Double {
        let items = c.reduced.items
        var sum = 0.0
        for i in items.indices {
            for j in items.indices where j > i {
                let (mi, mj) = (items[i].0.mass, items[j].0.mass)
                sum += (items[i].1 + items[j].1) * mi * mj / (mi + mj)
            }
        }
        return sum / (Double(items.count - 1) * c.reduced.numAtoms)
    }

    /// The Gibbs energy per atom at the temperature of a solid with the MP formation energy
    /// `formationEnergyPerAtom`, on the gases' scale (see the type's note).
    func energyPerAtom(_ c: Composition, formationEnergyPerAtom h: Double) throws -> Double {
        var reference = 0.0
        for (el, x) in c.items {
            guard let g = elements[el] else { throw SynthesisError("no elemental Gibbs energy for \(el.symbol) (element_gibbs.csv)") }
            reference += x * g
        }
        reference /= c.numAtoms
        if c.elements.count == 1 { return reference }
        return h + Self.gDelta(volumePerAtom: volumes.volumePerAtom(c), reducedMass: Self.reducedMass(c), temperature: temperature)
    }
}

/// Volumes per atom (Å³) of compounds: of the lowest-energy ordered bundled MP structure of the
/// reduced formula; for a formula without one, of the structure nearest in composition (atom
/// fractions, L1) among those made only of its elements; failing that, the median of all.
struct VolumeTable {
    private let exact: [String: Double]
    private let compounds: [(fractions: [Element: Double], volume: Double)]
    private let median: Double

    init(byFormula: [String: (composition: Composition, volume: Double)]) {
        exact = byFormula.mapValues(\.volume)
        compounds = byFormula.values.filter { $0.composition.elements.count > 1 }.map { c, v in
            (Dictionary(uniqueKeysWithValues: c.items.map { ($0.0, $0.1 / c.numAtoms) }), v)
        }
        let sorted = compounds.map(\.volume).sorted()
        median = sorted.isEmpty ? 15 : sorted[sorted.count / 2]
    }

    func volumePerAtom(_ c: Composition) -> Double {
        if let v = exact[c.reducedFormula] { return v }
        let own = Dictionary(uniqueKeysWithValues: c.items.map { ($0.0, $0.1 / c.numAtoms) })
        var best: (distance: Double, volume: Double)?
        for k in compounds where k.fractions.keys.allSatisfy({ own[$0] != nil }) {
            let d = own.reduce(0) { $0 + abs($1.value - (k.fractions[$1.key] ?? 0)) }
            if d < best?.distance ?? .infinity { best = (d, k.volume) }
        }
        return best?.volume ?? median
    }
}
