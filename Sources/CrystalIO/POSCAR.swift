import Crystal
import Foundation

/// A VASP POSCAR/CONTCAR file: structure, title line and selective-dynamics flags.
///
/// Reading accepts VASP 5 (element line) and VASP 4 (counts only) layouts, one scale factor
/// (negative = target volume in Å³) or three (per Cartesian axis), Direct or Cartesian
/// positions, selective dynamics. After the declared positions it accepts what VASP writes there
/// (a blank line then velocities and predictor-corrector data, or a "Lattice velocities" block;
/// all ignored) and refuses more position lines, which mean the counts are wrong (pymatgen
/// ignores them silently). Coordinates are kept as written (not wrapped), as pymatgen does.
public struct POSCAR: Sendable {
    public var comment: String
    public var structure: Structure
    /// Per site: may x, y, z move? Nil when the file has no selective dynamics.
    public var selectiveDynamics: [[Bool]]?
    /// Where the species came from.
    public var speciesSource: SpeciesSource

    /// How species were assigned, in the order they are tried.
    public enum SpeciesSource: String, Sendable {
        /// Given by the caller (e.g. from a POTCAR), one element per count group.
        case caller
        /// The VASP 5 element line.
        case symbolLine
        /// A symbol after each position, plain (`0 0 0 Na`) or as a comment (`# Na1`),
        /// trailing digits and charges stripped; used only when every atom has one, each
        /// count group has one element and different groups have different elements.
        case comments
        /// The title line names one element per group (`Fe6 O8` or `Fe O`), counts agreeing.
        case titleLine
        /// Nothing usable: the k-th group becomes the element with Z = k (H, He, Li, ...),
        /// spglib's test-reader numbering. The chemistry is then meaningless.
        case dummyAtomicNumbers
    }

    public init(structure: Structure, comment: String? = nil, selectiveDynamics: [[Bool]]? = nil) {
        self.structure = structure
        self.comment = comment ?? (structure.sites.isEmpty ? "structure" : structure.composition.formula)
        self.selectiveDynamics = selectiveDynamics
        self.speciesSource = .caller
    }

    /// Parses POSCAR text; `species` (one element per count group) overrides the file's.
    public init(text: String, file: String = "<string>", species: [Element]? = nil) throws {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        func fail(_ line: Int, _ why: String) -> CrystalIOError { CrystalIOError(file: file, line: line + 1, why) }
        func tokens(_ i: Int) throws -> [Substring] {
            guard i < lines.count else { throw CrystalIOError(file: file, line: lines.count, "file ends early (expected line \(i + 1))") }
            let body = lines[i].split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return body.split(whereSeparator: { $0 == " " || $0 == "\t" })
        }
        func numbers(_ i: Int, count: Int, what: String) throws -> [Double] {
            let t = try tokens(i)
            guard t.count >= count else { throw fail(i, "\(what): expected \(count) numbers, found \(t.count)") }
            return try t.prefix(count).map {
                guard let v = Self.number($0) else { throw fail(i, "\(what): '\($0)' is not a number") }
                return v
            }
        }
        guard !lines.isEmpty else { throw CrystalIOError(file: file, "empty POSCAR") }
        comment = String(lines[0]).trimmingCharacters()

        // Scale: one factor, a negative target volume, or three per-axis factors.
        let scaleTokens = try tokens(1)
        let scaleCount = scaleTokens.count >= 3 && scaleTokens.prefix(3).allSatisfy({ Self.number($0) != nil }) ? 3 : 1
        let scale = try numbers(1, count: scaleCount, what: "scale factor")
        var rows = try (2..<5).map { Vec3(try numbers($0, count: 3, what: "lattice vector")) }
        var factor = Vec3(repeating: 1)
        if scaleCount == 3 {
            guard scale.allSatisfy({ $0 > 0 }) else { throw fail(1, "the three scale factors must be positive") }
            factor = Vec3(scale)
        } else if scale[0] < 0 {
            let volume = abs(Matrix3(rows[0], rows[1], rows[2]).determinant)
            guard volume > 1e-12 else { throw fail(2, "lattice vectors are degenerate (zero volume)") }
            factor = Vec3(repeating: cbrt(-scale[0] / volume))
        } else if scale[0] > 0 {
            factor = Vec3(repeating: scale[0])
        } else {
            throw fail(1, "scale factor is zero")
        }
        rows = rows.map { $0 * factor }
        let lattice = Lattice(Matrix3(rows[0], rows[1], rows[2]))
        if let problem = lattice.problems().first { throw fail(2, problem) }

        // Element and count lines (VASP 5 may spread long lists over several lines).
        var symbols: [String]? = nil
        var counts: [Int] = []
        var line = 5
        let first = try tokens(5)
        guard let head = first.first else { throw fail(5, "expected element symbols or atom counts") }
        if Int(head) == nil {
            var symbolLines = 1
            while symbolLines < 10, let t = try? tokens(5 + symbolLines), let h = t.first, Int(h) == nil { symbolLines += 1 }
            symbols = try (5..<(5 + symbolLines)).flatMap { try tokens($0) }.map {
                String($0.split(separator: "/").first.map { $0.split(separator: "_").first ?? $0 } ?? $0)
            }
            line = 5 + symbolLines
            for l in line..<(line + symbolLines) { counts += try Self.counts(try tokens(l), line: l, fail: fail) }
            line += symbolLines
            guard counts.count == symbols!.count else {
                throw fail(line - 1, "\(symbols!.count) element symbols but \(counts.count) atom counts")
            }
        } else {
            counts = try Self.counts(first, line: 5, fail: fail)
            line = 6
        }
        let n = counts.reduce(0, +)
        guard n > 0 else { throw fail(line - 1, "no atoms") }
        guard n <= lines.count else { throw fail(line - 1, "counts add up to \(n) atoms but the file has \(lines.count) lines") }

        var mode = try tokens(line)
        var hasSelective = false
        if let m = mode.first, m.first == "s" || m.first == "S" {
            hasSelective = true
            line += 1
            mode = try tokens(line)
        }
        guard let modeWord = mode.first else { throw fail(line, "expected 'Direct' or 'Cartesian'") }
        let cartesian = "cCkK".contains(modeWord.first!)
        line += 1

        // Positions, flags and any per-atom species label.
        var fracs: [Vec3] = []
        var flags: [[Bool]] = []
        var labels: [String?] = []
        fracs.reserveCapacity(n)
        for i in 0..<n {
            let l = line + i
            var t = try tokens(l)
            if t.count < 3 { t = Self.splitRunTogether(t) }
            guard t.count >= 3 else { throw fail(l, "expected 3 coordinates for atom \(i + 1)") }
            var v = Vec3.zero
            for k in 0..<3 {
                guard let x = Self.number(t[k]) else { throw fail(l, "coordinate '\(t[k])' of atom \(i + 1) is not a number") }
                v[k] = x
            }
            var rest = t.dropFirst(3)
            if hasSelective {
                guard rest.count >= 3 else { throw fail(l, "selective dynamics needs three T/F flags for atom \(i + 1)") }
                flags.append(rest.prefix(3).map { $0.uppercased() == "T" || $0.uppercased() == ".TRUE." })
                rest = rest.dropFirst(3)
            }
            let frac = cartesian ? lattice.fractional(v * factor) : v
            guard [frac.x, frac.y, frac.z].allSatisfy({ $0.isFinite && abs($0) < 1e9 }) else {
                throw fail(l, "position of atom \(i + 1) is out of range")
            }
            fracs.append(frac)
            let body = lines[l]
            if let hash = body.firstIndex(of: "#") {
                labels.append(body[body.index(after: hash)...].split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init))
            } else {
                labels.append(rest.first.map(String.init))
            }
        }

        // VASP reads exactly the declared positions; what follows must be a blank line (then
        // velocities and predictor-corrector data) or the "Lattice velocities" block.
        let after = line + n
        if after < lines.count, let head = try tokens(after).first, !head.lowercased().hasPrefix("l") {
            throw fail(after, "a position line beyond the \(n) atoms the counts declare (\(counts.map(String.init).joined(separator: " "))); "
                       + "fix the counts, or put a blank line before velocities")
        }

        let (elements, source) = try Self.assignSpecies(caller: species, symbols: symbols, counts: counts,
                                                        labels: labels, title: comment, fail: { fail(5, $0) })
        var sites: [Site] = []
        sites.reserveCapacity(n)
        var k = 0
        for (g, c) in counts.enumerated() {
            for _ in 0..<c { sites.append(Site(elements[g], fracs[k])); k += 1 }
        }
        structure = Structure(lattice: lattice, sites: sites)
        selectiveDynamics = hasSelective ? flags : nil
        speciesSource = source
    }

    static func counts(_ t: [Substring], line: Int, fail: (Int, String) -> CrystalIOError) throws -> [Int] {
        guard !t.isEmpty else { throw fail(line, "expected atom counts") }
        return try t.map {
            guard let c = Int($0), c >= 0, c < 100_000_000 else { throw fail(line, "atom count '\($0)' is not a non-negative integer") }
            return c
        }
    }

    /// A Fortran-style number ("1.0", "-2.5E-3", "1.0D0").
    static func number(_ s: Substring) -> Double? {
        if let v = Double(s), v.isFinite { return v }
        guard s.contains(where: { $0 == "D" || $0 == "d" }) else { return nil }
        let fixed = s.replacingOccurrences(of: "D", with: "E").replacingOccurrences(of: "d", with: "e")
        return Double(fixed).flatMap { $0.isFinite ? $0 : nil }
    }

    /// "0.1-0.2-0.3" → ["0.1", "-0.2", "-0.3"] (coordinates printed without separating spaces).
    static func splitRunTogether(_ t: [Substring]) -> [Substring] {
        var out: [Substring] = []
        for token in t {
            var start = token.startIndex
            var i = token.isEmpty ? token.endIndex : token.index(after: start)
            while i < token.endIndex {
                let prev = token[token.index(before: i)]
                if token[i] == "-", prev != "e", prev != "E" { out.append(token[start..<i]); start = i }
                i = token.index(after: i)
            }
            out.append(token[start...])
        }
        return out
    }

    /// Element symbol from a per-atom label: "Na1" → Na, "Al0+" → Al, "Fe3+" → Fe.
    static func labelElement(_ label: String) -> Element? {
        let letters = label.prefix { $0.isLetter }
        guard letters.count == label.count || label.dropFirst(letters.count).allSatisfy({ $0.isNumber || $0 == "+" || $0 == "-" })
        else { return nil }
        return try? Element(String(letters))
    }

    static func assignSpecies(caller: [Element]?, symbols: [String]?, counts: [Int], labels: [String?], title: String,
                              fail: (String) -> CrystalIOError) throws -> ([Element], SpeciesSource) {
        if let caller {
            guard caller.count >= counts.count else {
                throw fail("\(caller.count) species given for \(counts.count) atom groups")
            }
            return (Array(caller.prefix(counts.count)), .caller)
        }
        if let symbols {
            return (try symbols.map {
                guard let e = try? Element($0) else { throw fail("unknown element symbol '\($0)'") }
                return e
            }, .symbolLine)
        }
        // Per-atom labels: one element per group, different groups different elements.
        if labels.allSatisfy({ $0 != nil }) {
            var groups: [Element] = []
            var k = 0
            var ok = true
            for c in counts where ok {
                let els = labels[k..<(k + c)].map { labelElement($0!) }
                k += c
                guard let e = els.first ?? nil, els.allSatisfy({ $0 == e }), !groups.contains(e) else { ok = false; break }
                groups.append(e)
            }
            if ok && groups.count == counts.count { return (groups, .comments) }
        }
        // Title such as "Fe6 O8" or "Fe O": one element per group, counts (if given) agreeing.
        let words = title.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if words.count == counts.count {
            var els: [Element] = []
            for (w, c) in zip(words, counts) {
                let sym = w.prefix { $0.isLetter }
                let num = w.dropFirst(sym.count)
                guard let e = try? Element(String(sym)), !els.contains(e), num.isEmpty || Int(num) == c else { break }
                els.append(e)
            }
            if els.count == counts.count { return (els, .titleLine) }
        }
        guard counts.count <= 118 else { throw fail("\(counts.count) atom groups and no element names") }
        return (try (1...counts.count).map { try Element(z: $0) }, .dummyAtomicNumbers)
    }

    // MARK: - Writing

    /// VASP 5 text: element line, counts per run of equal elements, Direct (or Cartesian) positions
    /// with the element after each. Throws for disordered structures (POSCAR cannot hold them).
    public func string(cartesian: Bool = false, decimals: Int = 16) throws -> String {
        guard structure.isOrdered else {
            throw CrystalIOError(file: comment, "POSCAR cannot hold partial occupancies (sites \(structure.disorderedSiteIndices.prefix(5)))")
        }
        if let sd = selectiveDynamics, sd.count != structure.count {
            throw CrystalIOError(file: comment, "selective dynamics has \(sd.count) rows for \(structure.count) sites")
        }
        let f = "%.\(decimals)f"
        func row(_ v: Vec3) -> String { (0..<3).map { String(format: f, v[$0]) }.joined(separator: " ") }
        var runs: [(Element, Int)] = []
        for e in structure.elements {
            if let last = runs.last, last.0 == e { runs[runs.count - 1].1 += 1 } else { runs.append((e, 1)) }
        }
        var out = comment.replacingOccurrences(of: "\n", with: " ") + "\n1.0\n"
        for i in 0..<3 { out += row(structure.lattice.matrix[i]) + "\n" }
        out += runs.map(\.0.symbol).joined(separator: " ") + "\n"
        out += runs.map { String($0.1) }.joined(separator: " ") + "\n"
        if selectiveDynamics != nil { out += "Selective dynamics\n" }
        out += cartesian ? "Cartesian\n" : "direct\n"
        for (i, site) in structure.sites.enumerated() {
            out += row(cartesian ? structure.lattice.cartesian(site.frac) : site.frac)
            if let sd = selectiveDynamics { out += " " + sd[i].map { $0 ? "T" : "F" }.joined(separator: " ") }
            out += " \(site.element.symbol)\n"
        }
        return out
    }
}
