import Analysis
import Crystal
import CrystalIO
import Evaluation
import Foundation
import KilnSupport
import Symmetry

/// What a ranked candidate's structure files record besides the structure: energies, stability,
/// novelty, magnetic moments and provenance. Missing values are written as CIF's `?` and left out
/// of extended XYZ.
public struct CandidateAnnotations: Sendable {
    public var campaign: String
    public var id: String
    public var rank: Int?
    /// Calculator name with its version, e.g. "CHGNet 0.3.0".
    public var potential: String
    /// Relaxed energy per atom (eV/atom), as the potential gives it.
    public var energyPerAtom: Double?
    public var formationEnergyPerAtom: Double?
    public var energyAboveHull: Double?
    /// The hull reference E_hull is measured against.
    public var hullReference: String
    /// Stability level after the margin (docs/metrics.md).
    public var stability: StabilityLevel?
    public var stabilityThreshold: Double
    /// The margin the level was judged with (eV/atom).
    public var stabilityMargin: Double?
    public var unique: Bool?
    /// `NoveltyLevel` raw value.
    public var novelty: String?
    public var noveltyMatch: String?
    public var decomposition: String?
    /// Per site of the relaxed structure (µB), when the potential predicts them.
    public var magneticMoments: [Double]?
    public var generator: String
    public var parent: String?
    public var substitution: String?
    /// Kiln's version, when the caller knows it.
    public var kilnVersion: String?

    public init(campaign: String, id: String, rank: Int?, potential: String, energyPerAtom: Double?,
                formationEnergyPerAtom: Double?, energyAboveHull: Double?, hullReference: String, stability: StabilityLevel?,
                stabilityThreshold: Double, stabilityMargin: Double?, unique: Bool?, novelty: String?, noveltyMatch: String?, decomposition: String?,
                magneticMoments: [Double]?, generator: String, parent: String?, substitution: String?, kilnVersion: String? = nil) {
        self.campaign = campaign
        self.id = id
        self.rank = rank
        self.potential = potential
        self.energyPerAtom = energyPerAtom
        self.formationEnergyPerAtom = formationEnergyPerAtom
        self.energyAboveHull = energyAboveHull
        self.hullReference = hullReference
        self.stability = stability
        self.stabilityThreshold = stabilityThreshold
        self.stabilityMargin = stabilityMargin
        self.unique = unique
        self.novelty = novelty
        self.noveltyMatch = noveltyMatch
        self.decomposition = decomposition
        self.magneticMoments = magneticMoments
        self.generator = generator
        self.parent = parent
        self.substitution = substitution
        self.kilnVersion = kilnVersion
    }
}

/// The structure files of one candidate in each requested format.
struct CandidateFiles {
    var annotations: CandidateAnnotations
    /// The relaxed structure as relaxed (P1).
    var structure: Structure
    /// Bond-valence oxidation states of the relaxed structure, or why there are none.
    var oxidationStates: Result<[Int], Error>

    init(annotations: CandidateAnnotations, structure: Structure) {
        self.annotations = annotations
        self.structure = structure
        oxidationStates = Result { try BondValenceAnalyzer().oxidationStates(of: structure) }
    }

    /// File text for `format`; `stem` is the name without extension.
    func text(_ format: ExportFormat, stem: String) throws -> String {
        switch format {
        case .cif: return try cif(blockName: stem)
        case .poscar: return try POSCAR(structure: structure, comment: poscarComment).string()
        case .extxyz: return try ExtendedXYZ.string(frames: [extendedXYZFrame])
        }
    }

    /// The symmetrised CIF: conventional standard cell at Kiln's symprec, species carrying their
    /// bond-valence oxidation states where they can be assigned, and `_kiln_` items.
    func cif(blockName: String) throws -> String {
        let a = annotations
        var decorated = structure
        let states = oxidationStates
        if case .success(let v) = states {
            decorated = Structure(lattice: structure.lattice, sites: zip(structure.sites, v).map { site, ox in
                Site(Species(site.element, oxidationState: Double(ox)), site.frac, label: site.label)
            })
        }
        let cell = try? ConventionalCell(decorated)
        let written = cell?.structure ?? decorated
        func number(_ x: Double?, _ digits: Int = 6) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "?" }
        func flag(_ x: Bool?) -> String { x.map { $0 ? "yes" : "no" } ?? "?" }
        var items: [(tag: String, value: String)] = [
            ("_kiln_campaign", a.campaign), ("_kiln_candidate_id", a.id), ("_kiln_rank", a.rank.map(String.init) ?? "?"),
            ("_kiln_generator", a.generator), ("_kiln_parent", a.parent ?? "?"), ("_kiln_substitution", a.substitution ?? "?"),
            ("_kiln_potential", a.potential),
            ("_kiln_energy_per_atom", number(a.energyPerAtom)),
            ("_kiln_energy_total", number(a.energyPerAtom.map { $0 * Double(written.count) })),
            ("_kiln_formation_energy_per_atom", number(a.formationEnergyPerAtom)),
            ("_kiln_e_above_hull", number(a.energyAboveHull)),
            ("_kiln_e_above_hull_reference", a.hullReference),
            ("_kiln_stability_threshold", number(a.stabilityThreshold, 4)),
            ("_kiln_stability_margin", number(a.stabilityMargin, 4)),
            ("_kiln_stability", a.stability?.rawValue ?? "?"), ("_kiln_unique", flag(a.unique)),
            ("_kiln_novelty_level", a.novelty ?? "?"), ("_kiln_novelty_match", a.noveltyMatch ?? "?"),
            ("_kiln_decomposition", a.decomposition ?? "?"),
        ]
        switch states {
        case .success: items.append(("_kiln_oxidation_states", "bond valence (pymatgen BVAnalyzer method), in _atom_type_oxidation_number"))
        case .failure(let e): items.append(("_kiln_oxidation_states", "not assigned: \(e)"))
        }
        if let v = a.kilnVersion { items.append(("_kiln_version", v)) }
        items = items.map { ($0.tag, Self.ascii($0.value)) }
        let moments = a.magneticMoments.flatMap { m in m.count == structure.count ? cell?.carry(m) ?? m : nil }
        let extras = CIFExtras(
            comments: ["Kiln design candidate: energies in eV and eV/atom from \(Self.ascii(a.potential)) on the relaxed cell;",
                       "_kiln_energy_total is for the cell below. Positions are symmetrised (idealized) at the stated symprec.",
                       "Magnetic moments in Bohr magnetons (absolute values, averaged over equivalent sites)."],
            items: items,
            siteLoop: moments.map { m in
                .init(labelTag: "_kiln_site_label", columns: [("_kiln_site_magnetic_moment", m.map { String(format: "%.4f", $0) })])
            })
        // Without a space group from spglib, or when the idealised cell does not map onto itself under
        // its operations at the CIF writer's tolerance: the relaxed cell in P1, saying why.
        var why = "no space group found at symprec \(SymmetryTolerance.symprec)"
        if let cell {
            do { return try cell.cif(extras: extras, blockName: blockName) } catch {
                why = "the symmetrised cell could not be written (\(Self.ascii(ErrorText.describe(error))))"
            }
        }
        var p1 = extras
        p1.comments.insert(why + "; the relaxed cell in P1", at: 0)
        return try CIFWriter().string(decorated, spaceGroup: CIFSpaceGroup(operations: [.identity]), extras: p1, blockName: blockName)
    }

    var poscarComment: String {
        let a = annotations
        var parts = ["\(structure.composition.reducedFormula) \(a.id)", "campaign \(a.campaign)"]
        if let e = a.energyPerAtom { parts.append(String(format: "E %.6f eV/atom (%@)", e, a.potential)) }
        if let e = a.energyAboveHull { parts.append(String(format: "E_hull %.6f eV/atom", e)) }
        return Self.ascii(parts.joined(separator: "; "))
    }

    var extendedXYZFrame: ExtendedXYZ.Frame {
        let a = annotations
        var info: [(key: String, value: ExtendedXYZ.Frame.InfoValue)] = [("id", .text(a.id)), ("campaign", .text(a.campaign))]
        if let e = a.energyPerAtom {
            info += [("energy", .number(e * Double(structure.count))), ("energy_per_atom", .number(e))]
        }
        if let e = a.formationEnergyPerAtom { info.append(("formation_energy_per_atom", .number(e))) }
        if let e = a.energyAboveHull { info.append(("e_above_hull", .number(e))) }
        if let s = a.stability { info.append(("stability", .text(s.rawValue))) }
        if let n = a.novelty { info.append(("novelty_level", .text(n))) }
        info.append(("potential", .text(a.potential)))
        info.append(("generator", .text(a.generator)))
        if let p = a.parent { info.append(("parent", .text(p))) }
        if let s = a.substitution { info.append(("substitution", .text(s))) }
        if case .success(let v) = oxidationStates { info.append(("oxidation_states", .text(v.map(String.init).joined(separator: " ")))) }
        var columns: [(name: String, values: [Double])] = []
        if let m = a.magneticMoments, m.count == structure.count { columns.append(("magmoms", m)) }
        return ExtendedXYZ.Frame(structure, info: info, columns: columns)
    }

    /// Text restricted to ASCII (CIF 1.1 and POSCAR): arrows and ≤ spelled out, anything else dropped.
    static func ascii(_ s: String) -> String {
        s.replacingOccurrences(of: "→", with: "->").replacingOccurrences(of: "≤", with: "<=")
            .replacingOccurrences(of: "≥", with: ">=").replacingOccurrences(of: "Å", with: "A")
            .unicodeScalars.filter(\.isASCII).map(String.init).joined()
    }
}
