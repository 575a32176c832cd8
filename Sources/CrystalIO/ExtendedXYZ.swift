import Crystal
import Foundation

/// Extended XYZ (ASE/QUIP): per frame an atom count, a comment line of key=value pairs with
/// `Lattice="ax ay az bx by bz cx cy cz"`, `Properties=species:S:1:pos:R:3[:...]` and `pbc`,
/// then one line per atom. Positions are Cartesian Å. Frames without a Lattice are rejected
/// (a `Structure` is periodic).
public enum ExtendedXYZ {
    /// All frames of the text.
    public static func read(_ text: String, file: String = "<string>") throws -> [Structure] {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        var frames: [Structure] = []
        var i = 0
        while i < lines.count {
            let countLine = lines[i].trimmingSpaces()
            if countLine.isEmpty { i += 1; continue }
            func fail(_ l: Int, _ why: String) -> CrystalIOError { CrystalIOError(file: file, line: l + 1, why) }
            guard let n = Int(countLine), n >= 0 else { throw fail(i, "expected the number of atoms, found '\(countLine.prefix(40))'") }
            guard n < lines.count, i + 1 + n < lines.count else {
                throw fail(i, "frame of \(n) atoms runs past the end of the file")
            }
            let info = try keyValues(String(lines[i + 1]), fail: { fail(i + 1, $0) })
            guard let latticeText = info["lattice"] else { throw fail(i + 1, "no Lattice=\"...\" on the comment line") }
            let lv = latticeText.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { Double($0) }
            guard lv.count == 9, lv.allSatisfy(\.isFinite) else { throw fail(i + 1, "Lattice needs 9 numbers") }
            let lattice = Lattice(Matrix3(Vec3(lv[0], lv[1], lv[2]), Vec3(lv[3], lv[4], lv[5]), Vec3(lv[6], lv[7], lv[8])))
            if let problem = lattice.problems().first { throw fail(i + 1, problem) }
            let (columns, speciesColumn, posColumn) = try properties(info["properties"] ?? "species:S:1:pos:R:3",
                                                                      fail: { fail(i + 1, $0) })
            var sites: [Site] = []
            sites.reserveCapacity(n)
            for a in 0..<n {
                let l = i + 2 + a
                let t = lines[l].split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard t.count >= columns else { throw fail(l, "expected \(columns) columns, found \(t.count)") }
                let sym = t[speciesColumn]
                let element: Element
                if let z = Int(sym), let e = try? Element(z: z) { element = e } else {
                    guard let e = try? Element(String(sym)) else { throw fail(l, "unknown element '\(sym)'") }
                    element = e
                }
                var r = Vec3.zero
                for k in 0..<3 {
                    guard let x = Double(t[posColumn + k]), x.isFinite else { throw fail(l, "position '\(t[posColumn + k])' is not a number") }
                    r[k] = x
                }
                let frac = lattice.fractional(r)
                guard frac.x.isFinite, frac.y.isFinite, frac.z.isFinite else { throw fail(l, "position is out of range") }
                sites.append(Site(element, frac))
            }
            frames.append(Structure(lattice: lattice, sites: sites))
            i += 2 + n
        }
        guard !frames.isEmpty else { throw CrystalIOError(file: file, "no frames") }
        return frames
    }

    /// Comment-line pairs, keys lowercased; values may be "double-quoted" or {braced}.
    static func keyValues(_ line: String, fail: (String) -> CrystalIOError) throws -> [String: String] {
        var out: [String: String] = [:]
        let c = Array(line)
        var i = 0
        func word(stopAtEquals: Bool) -> String {
            var s = ""
            if i < c.count, c[i] == "\"" || c[i] == "{" {
                let close: Character = c[i] == "\"" ? "\"" : "}"
                i += 1
                while i < c.count, c[i] != close { s.append(c[i]); i += 1 }
                i += 1
                return s
            }
            while i < c.count, !c[i].isWhitespace, !(stopAtEquals && c[i] == "=") { s.append(c[i]); i += 1 }
            return s
        }
        while i < c.count {
            if c[i].isWhitespace { i += 1; continue }
            let key = word(stopAtEquals: true)
            if i < c.count, c[i] == "=" {
                i += 1
                out[key.lowercased()] = word(stopAtEquals: false)
            } else {
                out[key.lowercased()] = "T"
            }
        }
        return out
    }

    /// Total columns and the indices of the species and position columns.
    static func properties(_ text: String, fail: (String) -> CrystalIOError) throws -> (Int, Int, Int) {
        let f = text.split(separator: ":", omittingEmptySubsequences: false)
        guard f.count % 3 == 0 else { throw fail("Properties '\(text)' is not name:type:count triples") }
        var column = 0
        var species: Int? = nil, pos: Int? = nil
        for k in stride(from: 0, to: f.count, by: 3) {
            guard let n = Int(f[k + 2]), n > 0, n < 1000 else { throw fail("bad column count in Properties '\(text)'") }
            let name = f[k].lowercased()
            if name == "species" { species = column }
            if name == "pos" { guard n == 3 else { throw fail("pos must have 3 columns") }; pos = column }
            column += n
        }
        guard let s = species, let p = pos else { throw fail("Properties must include species and pos") }
        return (column, s, p)
    }

    /// A structure with values for its comment line and per-atom real columns.
    public struct Frame: Sendable {
        public var structure: Structure
        /// Comment-line pairs after Lattice, Properties and pbc; text values are double-quoted.
        public var info: [(key: String, value: InfoValue)]
        /// Per-atom real columns after species and pos, one value per site (e.g. "magmoms").
        public var columns: [(name: String, values: [Double])]

        public enum InfoValue: Sendable {
            case number(Double)
            case text(String)
        }

        public init(_ structure: Structure, info: [(key: String, value: InfoValue)] = [], columns: [(name: String, values: [Double])] = []) {
            self.structure = structure
            self.info = info
            self.columns = columns
        }
    }

    /// Frames in extended XYZ with Cartesian positions; disordered structures are rejected.
    public static func string(_ structures: [Structure]) throws -> String {
        try string(frames: structures.map { Frame($0) })
    }

    /// Frames with their comment-line values and extra columns (read back by ASE as `atoms.info`
    /// and `atoms.arrays`; `read` ignores them).
    public static func string(frames: [Frame]) throws -> String {
        var out = ""
        for frame in frames {
            let s = frame.structure
            guard s.isOrdered else { throw CrystalIOError(file: "xyz", "extended XYZ cannot hold partial occupancies") }
            for c in frame.columns where c.values.count != s.count {
                throw CrystalIOError(file: "xyz", "column \(c.name) has \(c.values.count) values for \(s.count) atoms")
            }
            let m = s.lattice.matrix
            let lattice = (0..<3).flatMap { i in (0..<3).map { String(format: "%.10f", m[i][$0]) } }.joined(separator: " ")
            let properties = "species:S:1:pos:R:3" + frame.columns.map { ":\($0.name):R:1" }.joined()
            let info = frame.info.map { key, value -> String in
                switch value {
                case .number(let x): return " \(key)=\(x)"
                case .text(let t): return " \(key)=\"\(t.replacingOccurrences(of: "\"", with: "'").replacingOccurrences(of: "\n", with: " "))\""
                }
            }.joined()
            out += "\(s.count)\nLattice=\"\(lattice)\" Properties=\(properties) pbc=\"T T T\"\(info)\n"
            for (k, site) in s.sites.enumerated() {
                let r = s.lattice.cartesian(site.frac)
                out += "\(site.element.symbol) " + (0..<3).map { String(format: "%.10f", r[$0]) }.joined(separator: " ")
                out += frame.columns.map { " " + String(format: "%.6f", $0.values[k]) }.joined() + "\n"
            }
        }
        return out
    }
}
