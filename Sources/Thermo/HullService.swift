import Crystal
import Foundation

/// Kiln's one way to place energies on a convex hull, used by `kiln hull`, `kiln relax`,
/// `kiln evaluate` and campaigns.
///
/// The reference is the bundled Materials Project formation-energy table (`MPReference`), the
/// bundled MP structures relaxed with the potential that scores the candidates (`MLIPReference`), or
/// none, optionally restricted to some elements and with some reduced formulas hidden (the
/// rediscovery benchmark). Total energies from a potential or DFT are put on a formation scale
/// after the MP2020 correction when `corrections` is `.mp2020`: with MP's elemental reference
/// energies (`MPElementalReferences`), or with the potential's own relaxed elements on the `.mlip`
/// reference. Potentials trained on MP2020-corrected energies (CHGNet 0.3.0, on MPtrj) must not be
/// corrected again; see docs/metrics.md.
///
/// Two questions are answered: E_hull of one energy against the reference alone
/// (`energyAboveHull`), and the hull of the reference joined by extra entries, such as a user's
/// file or a campaign's candidates, where the extras can lower the hull for each other (`join`).
public final class HullService: @unchecked Sendable {
    /// Reference phases.
    public enum Reference: String, Sendable, CaseIterable {
        /// The bundled MP formation energies.
        case materialsProject = "mp"
        /// The bundled MP structures relaxed with the potential (`init(mlip:corrections:elements:hiddenFormulas:)`).
        case mlip
        /// No reference: the extra entries form the diagram alone.
        case none
    }

    /// Energy corrections added to total energies.
    public enum Corrections: String, Sendable, CaseIterable {
        case none
        /// MP2020 anion and GGA+U corrections (`MP2020Compatibility`).
        case mp2020
    }

    public let reference: Reference
    public let corrections: Corrections
    /// The reference entries (formation energies per atom, elements at 0) after the element
    /// restriction and hidden formulas.
    public let referenceEntries: [ThermoEntry]
    /// Reduced formulas left out of the reference.
    public let hiddenFormulas: Set<String>
    /// The MP2020 scheme when `corrections` is `.mp2020`.
    public let compatibility: MP2020Compatibility?
    private let elemental: MPElementalReferences
    private var referenceDiagram: PhaseDiagram?
    private let lock = NSLock()

    /// On the `.mlip` reference, the elements with no relaxed pure-element phase whose reference
    /// energy is MP's (`MPElementalReferences`) instead of the potential's; empty otherwise.
    public let borrowedElementalReferences: [Element]
    private let mlipModel: MLIPReference?
    private var entriesBySystem: [ElementMask: [Int]]?

    /// Loads the reference. `elements` keeps only reference entries made of those elements (a
    /// campaign's chemistry; nil keeps all); `hiddenFormulas` are reduced formulas left out. The
    /// `.mlip` reference is built from relaxed phases by `init(mlip:corrections:elements:hiddenFormulas:)`.
    public init(reference: Reference = .materialsProject, corrections: Corrections = .none,
                elements: Set<Element>? = nil, hiddenFormulas: Set<String> = []) throws {
        self.reference = reference
        self.corrections = corrections
        self.hiddenFormulas = hiddenFormulas
        elemental = try MPElementalReferences.bundled()
        compatibility = corrections == .mp2020 ? try MP2020Compatibility.bundled() : nil
        mlipModel = nil
        borrowedElementalReferences = []
        switch reference {
        case .materialsProject:
            referenceEntries = try MPReference.entries().filter { Self.keeps($0.composition, elements, hiddenFormulas) }
        case .mlip:
            throw ThermoError.invalidInput("the mlip reference needs relaxed reference phases (MLIPReference)")
        case .none:
            referenceEntries = []
        }
    }

    /// The `.mlip` reference: `mlip`'s phases with an energy, on the formation scale of the
    /// potential's own elements (each element's lowest corrected energy per atom among its relaxed
    /// pure-element phases). An element without a relaxed pure-element phase (the bundled structures
    /// have none for F, S, H, …) borrows MP's elemental reference energy, gets an implied pure entry
    /// at formation energy 0 and is listed in `borrowedElementalReferences`. `elements` and
    /// `hiddenFormulas` restrict the phases as for the MP reference.
    public init(mlip: MLIPReference, corrections: Corrections, elements: Set<Element>? = nil,
                hiddenFormulas: Set<String> = []) throws {
        reference = .mlip
        self.corrections = corrections
        self.hiddenFormulas = hiddenFormulas
        let compatibility = corrections == .mp2020 ? try MP2020Compatibility.bundled() : nil
        self.compatibility = compatibility
        mlipModel = mlip
        let phases = try mlip.usable()
        var mu: [Element: Double] = [:], ids: [Element: String] = [:]
        for (p, c, e) in phases where c.elements.count == 1 {
            let perAtom = (e + (compatibility?.correction(for: c) ?? 0)) / c.numAtoms
            if perAtom < mu[c.elements[0]] ?? .infinity { (mu[c.elements[0]], ids[c.elements[0]]) = (perAtom, p.id) }
        }
        let kept = phases.filter { Self.keeps($0.composition, elements, hiddenFormulas) }
        let mp = try MPElementalReferences.bundled()
        let needed = Set(kept.flatMap { $0.composition.elements }).union(elements ?? [])
        let borrowed = needed.filter { mu[$0] == nil && mp.energyPerAtom[$0] != nil }.sorted { $0.z < $1.z }
        for el in borrowed { (mu[el], ids[el]) = (mp.energyPerAtom[el], mp.materialID[el]) }
        borrowedElementalReferences = borrowed
        let references = MPElementalReferences(energyPerAtom: mu, materialID: ids)
        elemental = references
        // A phase with an element that has no reference energy at all cannot be placed (`unsupportedElements` names it).
        referenceEntries = try kept.filter { $0.composition.elements.allSatisfy { mu[$0] != nil } }.map { p, c, e in
            let f = try references.formationEnergyPerAtom(of: c, energy: e + (compatibility?.correction(for: c) ?? 0))
            return try ThermoEntry(composition: c, energyPerAtom: f, id: p.id, attributes: ["source": "mlip-reference"])
        } + borrowed.map {
            try ThermoEntry(composition: Composition([($0, 1.0)]), energyPerAtom: 0, id: "ref:\($0.symbol)",
                            attributes: ["source": "MP elemental reference energy"])
        }
    }

    private static func keeps(_ c: Composition, _ elements: Set<Element>?, _ hidden: Set<String>) -> Bool {
        (elements.map { Set(c.elements).isSubset(of: $0) } ?? true) && (hidden.isEmpty || !hidden.contains(c.reducedFormula))
    }

    /// Reduced formulas of the reference entries.
    public var referenceFormulas: Set<String> { Set(referenceEntries.map(\.composition.reducedFormula)) }

    /// One line naming the reference, its size and age, and the energy scale, for reports.
    public var provenance: String {
        switch reference {
        case .none: return "no reference phases: the entries form the diagram alone"
        case .mlip:
            let failed = mlipModel.map { $0.phases.count - $0.phases.filter { $0.energy != nil }.count } ?? 0
            return "bundled MP structures relaxed with \(mlipModel?.model ?? "the potential") (legacy MP structures, about 2018; CC-BY-4.0, Jain et al. 2013)"
                + "; \(referenceEntries.count.formatted()) entries used" + (failed > 0 ? ", \(failed) failed relaxations left out" : "")
                + "; MP entries without a bundled structure left out" + (mlipModel?.coverage.map { " (\($0))" } ?? "")
                + "; elemental references: the potential's relaxed elements"
                + (borrowedElementalReferences.isEmpty ? ""
                    : " (MP's energies for \(borrowedElementalReferences.map(\.symbol).joined(separator: ", ")): no bundled pure-element structure)")
                + (corrections == .mp2020 ? "; MP2020 corrections added" : "; no corrections added")
        case .materialsProject:
            let meta = try? MPReference.metadata()
            let size = meta.map { "\($0.entryCount.formatted()) formation energies" } ?? "formation energies"
            return "Materials Project reference \(meta?.name ?? "") (\(size), legacy MP about 2018; CC-BY-4.0, Jain et al. 2013)"
                + "; \(referenceEntries.count.formatted()) entries used"
                + "; elemental references: matbench-discovery 2023-02-07"
                + (corrections == .mp2020 ? "; MP2020 corrections added" : "; no corrections added")
        }
    }

    /// Elements among `elements` that energies cannot be placed for: no MP elemental reference
    /// energy, or (with the MP reference) no pure-element entry to anchor the hull. Ask before
    /// spending time on structures made of them.
    public func unsupportedElements(_ elements: Set<Element>) -> [Element] {
        let pure = Set(referenceEntries.lazy.filter { $0.composition.elements.count == 1 }.map { $0.composition.elements[0] })
        return elements.filter { el in
            elemental.energyPerAtom[el] == nil || (reference != .none && !pure.contains(el))
        }.sorted { $0.z < $1.z }
    }

    /// The correction (eV) added to a total energy of `composition`; 0 without corrections.
    public func correction(for composition: Composition) -> Double {
        compatibility?.correction(for: composition) ?? 0
    }

    /// A hull entry for a raw total `energy` (eV) of `composition`: on MP's formation scale, after
    /// the correction. Throws when an element has no MP elemental reference.
    public func entry(_ composition: Composition, energy: Double, id: String,
                      attributes: [String: String] = [:]) throws -> ThermoEntry {
        let f = try elemental.formationEnergyPerAtom(of: composition, energy: energy + correction(for: composition))
        return try ThermoEntry(composition: composition, energyPerAtom: f, id: id, attributes: attributes)
    }

    /// eV/atom above the reference hull for a raw total `energy` (eV) of `composition`; nil when an
    /// element has no reference (or there is no reference). Thread-safe.
    public func energyAboveHull(_ composition: Composition, energy: Double) -> Double? {
        guard let e = try? entry(composition, energy: energy, id: "query") else { return nil }
        return try? analyze(e, phaseSeparation: false).energyAboveHull
    }

    /// Formation energy, E_hull and decomposition of an entry on the formation scale against the
    /// reference alone (the entry does not join it). Thread-safe.
    public func analyze(_ entry: ThermoEntry, phaseSeparation: Bool = true) throws -> HullResult {
        lock.lock(); defer { lock.unlock() }
        return try referenceDiagramLocked().analyze(entry, phaseSeparation: phaseSeparation)
    }

    /// The reference's phase diagram, built on first use (a `PhaseDiagram` is not thread-safe: use
    /// it from one thread, or `analyze`).
    public func referencePhaseDiagram() throws -> PhaseDiagram {
        lock.lock(); defer { lock.unlock() }
        return try referenceDiagramLocked()
    }

    private func referenceDiagramLocked() throws -> PhaseDiagram {
        if let d = referenceDiagram { return d }
        let d = try PhaseDiagram(entries: referenceEntries)
        referenceDiagram = d
        return d
    }

    /// Formation energy, E_hull and decomposition of `entry` against the reference entries of its
    /// own chemical system (and subsystems) that `leavingOut` does not remove: a known phase judged
    /// as if it were a new candidate. Thread-safe.
    public func analyze(_ entry: ThermoEntry, leavingOut: (ThermoEntry) -> Bool) throws -> HullResult {
        let zs = entry.composition.elements.map(\.z).sorted()
        let indices: [Int] = {
            lock.lock(); defer { lock.unlock() }
            if entriesBySystem == nil {
                var index: [ElementMask: [Int]] = [:]
                for (i, e) in referenceEntries.enumerated() { index[ElementMask(zs: e.composition.elements.map(\.z)), default: []].append(i) }
                entriesBySystem = index
            }
            return ElementMask.subsets(of: zs).flatMap { entriesBySystem![$0] ?? [] }.sorted()
        }()
        let kept = indices.map { referenceEntries[$0] }.filter { !leavingOut($0) }
        return try PhaseDiagram(entries: kept).analyze(entry, phaseSeparation: false)
    }

    /// The diagram of the reference joined by `extra` entries on `scale`, and the result of each
    /// extra entry, in order. Without a reference, formation-scale entries get implied elemental
    /// references at 0 eV/atom; raw entries must bring their own pure elements.
    public func join(_ extra: [ThermoEntry], scale: EnergyScale = .formation,
                     phaseSeparation: Bool = true) throws -> (diagram: PhaseDiagram, results: [HullResult]) {
        var all = referenceEntries + extra
        if reference == .none && scale == .formation {
            let have = Set(extra.filter { $0.composition.elements.count == 1 }.map { $0.composition.elements[0] })
            for el in Set(extra.flatMap(\.composition.elements)).subtracting(have).sorted() {
                all.append(try ThermoEntry(composition: Composition([(el, 1.0)]), energy: 0, id: "ref:\(el.symbol)",
                                           attributes: ["source": "implied elemental reference"]))
            }
        }
        let diagram = try PhaseDiagram(entries: all)
        let offset = referenceEntries.count
        return (diagram, extra.indices.map { diagram.analyze(index: offset + $0, phaseSeparation: phaseSeparation) })
    }

    /// Largest |energy per atom| (eV/atom) a record may give: real energies and formation
    /// energies stay within tens of eV/atom, so more is a unit or parsing error.
    public static let maxEnergyPerAtom = 1e3

    /// A user's records as entries: on MP's formation scale with the MP reference or when every
    /// record gives a formation energy, else as raw total energies (the records' own pure elements
    /// are then the references). Refuses two records with one id and energies beyond
    /// `maxEnergyPerAtom`, naming where the record came from.
    public func entries(_ records: [EntryRecord]) throws -> (entries: [ThermoEntry], scale: EnergyScale) {
        var firstSeen: [String: String] = [:]
        for r in records {
            if let earlier = firstSeen[r.id] {
                throw ThermoError.invalidInput("\(r.location): id '\(r.id)' is already used at \(earlier); give each entry its own id")
            }
            firstSeen[r.id] = r.location
            let perAtom: Double
            switch r.energy {
            case .total(let e): perAtom = e / r.composition.numAtoms
            case .perAtom(let e), .formationPerAtom(let e): perAtom = e
            }
            guard perAtom.isFinite, abs(perAtom) <= Self.maxEnergyPerAtom else {
                throw ThermoError.invalidInput("\(r.location): energy of \(perAtom) eV/atom is outside ±\(Int(Self.maxEnergyPerAtom)) eV/atom; check the units and the column")
            }
        }
        let allFormation = records.allSatisfy { if case .formationPerAtom = $0.energy { return true } else { return false } }
        let scale: EnergyScale = reference != .none || allFormation ? .formation : .raw
        return (try records.map { try $0.entry(on: scale, corrections: compatibility, references: elemental) }, scale)
    }

    /// The energy scale of entries from `entries(_:)`, described for reports.
    public func scaleDescription(_ scale: EnergyScale) -> String {
        switch (scale, reference) {
        case (.raw, _): "raw total energies, references from the input"
        case (_, .materialsProject): "formation energy per atom, elements at 0 (MP scale)"
        case (_, .mlip): "formation energy per atom, the potential's relaxed elements at 0"
        case (_, .none): "formation energy per atom, elements at 0 (as given)"
        }
    }
}
