import Crystal
import Foundation

/// Writes structures as CIF text in the layout of pymatgen's `CifWriter`: cell parameters,
/// a symmetry-operation loop, oxidation states when species carry them, and one atom-site row
/// per species of each site (so disordered sites keep their occupancies).
public struct CIFWriter: Sendable {
    /// Decimal places of coordinates and cell parameters.
    public var decimals = 8
    /// Per-axis fractional tolerance when matching symmetry images to sites (symmetrized output).
    public var symmetryTolerance = 1e-3

    public init() {}

    /// One data block in space group P1 (every site listed).
    public func string(_ structure: Structure, blockName: String? = nil) -> String {
        let rows = structure.sites.indices.map { Row(index: $0, multiplicity: 1) }
        return block(structure, name: blockName, spaceGroup: CIFSpaceGroup(operations: [.identity]), rows: rows, extras: CIFExtras())
    }

    /// Several structures as consecutive P1 data blocks.
    public func string(_ structures: [Structure]) -> String {
        structures.enumerated().map { k, s in
            string(s, blockName: structures.count > 1 ? "\(Self.blockName(s))_\(k + 1)" : nil)
        }.joined(separator: "\n")
    }

    /// One data block listing only symmetry-distinct sites, with the given operations (for
    /// example those `CIFReader` returns, or a space group's). Every operation must map the
    /// structure onto itself; otherwise a `CrystalIOError` names the first site that breaks it.
    public func string(_ structure: Structure, symmetryOperations ops: [SymmetryOperation],
                       blockName: String? = nil) throws -> String {
        try string(structure, spaceGroup: CIFSpaceGroup(operations: ops), blockName: blockName)
    }

    /// One data block listing only symmetry-distinct sites under `spaceGroup` (its symbol, number,
    /// operations and Wyckoff letters are written), followed by `extras`. Sites are picked and
    /// ordered as pymatgen's `CifWriter(symprec=…)` does: per orbit the member with the smallest
    /// (|x|, |y|, |z|), orbits by electronegativity, larger multiplicity first, then coordinates.
    public func string(_ structure: Structure, spaceGroup: CIFSpaceGroup, extras: CIFExtras = CIFExtras(),
                       blockName: String? = nil) throws -> String {
        let ops = spaceGroup.operations
        let n = structure.count
        var assigned = [Bool](repeating: false, count: n)
        var rows: [Row] = []
        for i in 0..<n where !assigned[i] {
            var orbit: [Vec3] = []
            var members: [Int] = []
            for op in ops {
                var f = op.apply(structure.sites[i].frac)
                f -= f.rounded(.down)
                if orbit.contains(where: { CIFReader.samePeriodic($0, f, symmetryTolerance) }) { continue }
                orbit.append(f)
                guard let j = (0..<n).first(where: {
                    !assigned[$0] && structure.sites[$0].occupancy == structure.sites[i].occupancy
                        && CIFReader.samePeriodic(structure.sites[$0].frac, f, symmetryTolerance)
                }) else {
                    throw CrystalIOError(file: blockName ?? Self.blockName(structure),
                        "operation \(op.xyz) maps site \(i) (\(structure.sites[i].species)) to \(f), where the structure has no free matching site")
                }
                assigned[j] = true
                members.append(j)
            }
            let listed = members.min { Self.lexicographicAbs(structure.sites[$0].frac, structure.sites[$1].frac) }!
            rows.append(Row(index: listed, multiplicity: orbit.count))
        }
        // pymatgen's order: electronegativity, larger orbits first, then coordinates.
        rows.sort { a, b in
            let x = Self.electronegativity(structure.sites[a.index]), y = Self.electronegativity(structure.sites[b.index])
            if x != y { return x < y }
            if a.multiplicity != b.multiplicity { return a.multiplicity > b.multiplicity }
            let fa = structure.sites[a.index].frac, fb = structure.sites[b.index].frac
            return (fa.x, fa.y, fa.z) < (fb.x, fb.y, fb.z)
        }
        return block(structure, name: blockName, spaceGroup: spaceGroup, rows: rows, extras: extras)
    }

    /// One listed site: its index in the structure and the size of its orbit.
    struct Row {
        var index: Int
        var multiplicity: Int
    }

    /// (|a|, |b|, |c|) compared in order: the orbit member pymatgen lists.
    static func lexicographicAbs(_ a: Vec3, _ b: Vec3) -> Bool {
        (abs(a.x), abs(a.y), abs(a.z)) < (abs(b.x), abs(b.y), abs(b.z))
    }

    /// Occupancy-weighted Pauling electronegativity (elements without one sort last).
    static func electronegativity(_ site: Site) -> Double {
        let total = site.occupancy.reduce(0) { $0 + $1.occupancy }
        return site.occupancy.reduce(0) { $0 + $1.occupancy * ($1.species.element.electronegativity ?? 10) } / total
    }

    static func blockName(_ s: Structure) -> String {
        s.sites.isEmpty ? "structure" : s.composition.reducedFormula
    }

    func block(_ s: Structure, name: String?, spaceGroup: CIFSpaceGroup, rows: [Row], extras: CIFExtras) -> String {
        let f = "%.\(decimals)f"
        let p = s.lattice.parameters
        let operations = spaceGroup.operations
        let p1 = operations.count == 1
        var out = "# generated by Kiln\n" + extras.comments.map { "# \($0)\n" }.joined()
        out += "data_\(Self.token(name ?? Self.blockName(s)))\n"
        let symbol = spaceGroup.symbol ?? (p1 ? "P 1" : "Not Parsed")
        out += "_symmetry_space_group_name_H-M   \(Self.value(symbol))\n"
        for (tag, v) in zip(["_cell_length_a", "_cell_length_b", "_cell_length_c",
                             "_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma"], p) {
            out += "\(tag)   \(String(format: f, v))\n"
        }
        if let number = spaceGroup.number ?? (p1 ? 1 : nil) { out += "_symmetry_Int_Tables_number   \(number)\n" }
        if !s.sites.isEmpty {
            let comp = s.composition
            out += "_chemical_formula_structural   \(comp.reducedFormula)\n"
            out += "_chemical_formula_sum   '\(comp.formula)'\n"
        }
        out += "_cell_volume   \(String(format: f, s.lattice.volume))\n"
        for (tag, value) in extras.items { out += "\(tag)   \(Self.value(value))\n" }
        out += "loop_\n _symmetry_equiv_pos_site_id\n _symmetry_equiv_pos_as_xyz\n"
        for (k, op) in operations.enumerated() { out += "  \(k + 1)  '\(op.xyz)'\n" }
        var oxidation: [String: Double] = [:]
        for site in s.sites { for o in site.occupancy { if let ox = o.species.oxidationState { oxidation[o.species.description] = ox } } }
        if !oxidation.isEmpty {
            out += "loop_\n _atom_type_symbol\n _atom_type_oxidation_number\n"
            for (sym, ox) in oxidation.sorted(by: { $0.key < $1.key }) { out += "  \(sym)  \(ox)\n" }
        }
        let wyckoff = spaceGroup.wyckoffLetters
        out += "loop_\n _atom_site_type_symbol\n _atom_site_label\n _atom_site_symmetry_multiplicity\n"
        if wyckoff != nil { out += " _atom_site_Wyckoff_symbol\n" }
        out += " _atom_site_fract_x\n _atom_site_fract_y\n _atom_site_fract_z\n _atom_site_occupancy\n"
        var counts: [String: Int] = [:]
        var rowLabels: [String] = []
        for row in rows {
            let site = s.sites[row.index]
            for (k, o) in site.occupancy.enumerated() {
                let sym = o.species.description
                var label = site.label ?? ""
                if label.isEmpty || !Self.isPlainToken(label) {
                    label = "\(o.species.element.symbol)\(counts[o.species.element.symbol, default: 0])"
                    counts[o.species.element.symbol, default: 0] += 1
                }
                if k == 0 { rowLabels.append(label) }
                let xyz = (0..<3).map { String(format: f, site.frac[$0]) }.joined(separator: "  ")
                let letter = wyckoff.map { "  \(Self.value($0[row.index]))" } ?? ""
                out += "  \(sym)  \(label)  \(row.multiplicity)\(letter)  \(xyz)  \(Self.occupancy(o.occupancy))\n"
            }
        }
        if let loop = extras.siteLoop, !rows.isEmpty {
            out += "loop_\n \(loop.labelTag)\n" + loop.columns.map { " \($0.tag)\n" }.joined()
            for (row, label) in zip(rows, rowLabels) {
                out += "  \(label)" + loop.columns.map { "  \(Self.value($0.values[row.index]))" }.joined() + "\n"
            }
        }
        return out
    }

    /// A CIF value: bare when it is a plain token, else quoted, else a text field.
    static func value(_ text: String) -> String {
        if isPlainToken(text) { return text }
        if !text.contains(where: \.isNewline) {
            if !text.contains("' ") && !text.hasSuffix("'") { return "'\(text)'" }
            if !text.contains("\" ") && !text.hasSuffix("\"") { return "\"\(text)\"" }
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasPrefix(";") ? " " + $0 : String($0) }
        return "\n;\n" + lines.joined(separator: "\n") + "\n;"
    }

    /// Occupancies keep full precision so that sums read back exactly as they were.
    static func occupancy(_ v: Double) -> String {
        v == 1 ? "1" : "\(v)"
    }

    /// True when text can be written unquoted as a CIF value.
    static func isPlainToken(_ s: String) -> Bool {
        guard let c = s.first, !"_#$'\";[]".contains(c), !s.hasPrefix("loop_"), !s.hasPrefix("data_") else { return false }
        return !s.contains { $0.isWhitespace || !$0.isASCII }
    }

    static func token(_ s: String) -> String {
        let t = String(s.filter { !$0.isWhitespace && $0.isASCII })
        return t.isEmpty ? "structure" : t
    }
}
