import Crystal
import Foundation

/// SVG drawings of binary (formation energy vs composition) and ternary (Gibbs triangle) hulls.
public enum HullPlot {
    /// Draws the hull of the chemical system `elements` (2 or 3 elements): every entry of the
    /// diagram in that system (stable ones filled and labelled, unstable ones hollow), hull edges,
    /// and the `highlight`ed results (e.g. the queried entries) in red.
    public static func svg(_ pd: PhaseDiagram, elements: [Element], highlight: [HullResult] = []) throws -> String {
        let els = elements.sorted { $0.symbol < $1.symbol }
        guard els.count == 2 || els.count == 3 else {
            throw ThermoError.invalidInput("plots need a binary or ternary system, got \(els.map(\.symbol).joined(separator: "-"))")
        }
        let missing = els.filter { pd.referenceIndex[$0.z] == nil }.map(\.symbol)
        guard missing.isEmpty else {
            throw ThermoError.outsideDiagram(formula: els.map(\.symbol).joined(separator: "-"), missing: missing)
        }
        let system = ElementMask(zs: els.map(\.z))
        let zs = system.zs
        var points: [(frac: [Double], f: Double, label: String, stable: Bool)] = []
        var stable: [(frac: [Double], f: Double, i: Int)] = []
        for i in pd.entries.indices where pd.masks[i].isSubset(of: system) {
            let fr = pd.dense(i, zs)
            let v = pd.isVertex(i)
            points.append((fr, pd.formation[i], pd.entries[i].composition.reducedFormula, v))
            if v { stable.append((fr, pd.formation[i], i)) }
        }
        // Hull edges: pairs of vertices whose midpoint lies on the hull.
        let pool = pd.queryPool(system)
        var edges: [(Int, Int)] = []
        for a in stable.indices {
            for b in stable.indices where b > a {
                let mid = zip(stable[a].frac, stable[b].frac).map { ($0 + $1) / 2 }
                let h = pool.lowerHull(at: mid).energy
                if abs(h - (stable[a].f + stable[b].f) / 2) < 1e-9 { edges.append((a, b)) }
            }
        }
        let marks = highlight.map { r in
            (pd.fractions(of: r.entry.composition, zs), r.formationEnergyPerAtom, r.entry.composition.reducedFormula)
        }
        return els.count == 2
            ? binary(els, points, stable.map { ($0.frac, $0.f) }, edges, marks)
            : ternary(els, points, stable.map { ($0.frac, $0.f) }, edges, marks)
    }

    private static let width = 640.0, height = 480.0, margin = 70.0

    private static func binary(_ els: [Element], _ points: [(frac: [Double], f: Double, label: String, stable: Bool)],
                               _ stable: [([Double], Double)], _ edges: [(Int, Int)],
                               _ marks: [([Double], Double, String)]) -> String {
        let fs = points.map(\.f) + marks.map(\.1) + [0]
        let lo = min(fs.min()!, -0.1) * 1.1, hi = max(fs.max()!, 0.05) * 1.1
        let px = { (x: Double) in margin + x * (width - 2 * margin) }
        let py = { (f: Double) in margin + (hi - f) / (hi - lo) * (height - 2 * margin) }
        var s = header("\(els[0].symbol)–\(els[1].symbol) convex hull")
        s += line(px(0), py(0), px(1), py(0), "#bbb", dash: true)
        s += line(px(0), py(hi), px(0), py(lo), "#000") + line(px(0), py(lo), px(1), py(lo), "#000")
        for k in 0...4 {
            let f = lo + (hi - lo) * Double(k) / 4
            s += text(px(0) - 8, py(f) + 4, String(format: "%.2f", f), anchor: "end")
        }
        s += text(margin - 50, height / 2, "E_f (eV/atom)", anchor: "middle", rotate: true)
        s += text(width / 2, height - 20, "x in \(els[0].symbol)₁₋ₓ\(els[1].symbol)ₓ", anchor: "middle")
        for k in 0...4 { s += text(px(Double(k) / 4), py(lo) + 18, String(format: "%.2f", Double(k) / 4), anchor: "middle") }
        for (a, b) in edges { s += line(px(stable[a].0[1]), py(stable[a].1), px(stable[b].0[1]), py(stable[b].1), "#1f5fbf") }
        for p in points where !p.stable { s += circle(px(p.frac[1]), py(p.f), filled: false) }
        for p in points where p.stable {
            s += circle(px(p.frac[1]), py(p.f), filled: true) + text(px(p.frac[1]), py(p.f) + 16, p.label, anchor: "middle")
        }
        for m in marks {
            s += circle(px(m.0[1]), py(m.1), filled: true, color: "#d62728") + text(px(m.0[1]) + 7, py(m.1) - 7, m.2, anchor: "start", color: "#d62728")
        }
        return s + "</svg>\n"
    }

    private static func ternary(_ els: [Element], _ points: [(frac: [Double], f: Double, label: String, stable: Bool)],
                                _ stable: [([Double], Double)], _ edges: [(Int, Int)],
                                _ marks: [([Double], Double, String)]) -> String {
        let side = width - 2 * margin
        let h = side * 3.squareRoot() / 2
        let top = 70.0
        let totalHeight = top + h + 60
        let xy = { (fr: [Double]) -> (Double, Double) in
            (margin + (fr[1] + fr[2] / 2) * side, top + h - fr[2] * h)
        }
        var s = header("\(els.map(\.symbol).joined(separator: "–")) convex hull", height: totalHeight)
        let corners = [[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]].map(xy)
        for k in 0..<3 { s += line(corners[k].0, corners[k].1, corners[(k + 1) % 3].0, corners[(k + 1) % 3].1, "#000") }
        for (a, b) in edges {
            let p = xy(stable[a].0), q = xy(stable[b].0)
            s += line(p.0, p.1, q.0, q.1, "#1f5fbf")
        }
        for p in points where !p.stable {
            let c = xy(p.frac)
            s += circle(c.0, c.1, filled: false)
        }
        for p in points where p.stable {
            let c = xy(p.frac)
            s += circle(c.0, c.1, filled: true) + text(c.0, c.1 - 8, p.label, anchor: "middle")
        }
        for m in marks {
            let c = xy(m.0)
            s += circle(c.0, c.1, filled: true, color: "#d62728") + text(c.0 + 7, c.1 + 14, m.2, anchor: "start", color: "#d62728")
        }
        s += text(width / 2, totalHeight - 12, "filled: on the hull · hollow: above the hull · red: queried", anchor: "middle")
        return s + "</svg>\n"
    }

    private static func header(_ title: String, height: Double = height) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + text(width / 2, 24, title, anchor: "middle", size: 15)
    }

    private static func f(_ x: Double) -> String { String(format: "%.1f", x) }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ color: String, dash: Bool = false) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(color)\" stroke-width=\"1.5\""
            + (dash ? " stroke-dasharray=\"4 3\"" : "") + "/>\n"
    }

    private static func circle(_ x: Double, _ y: Double, filled: Bool, color: String = "#1f5fbf") -> String {
        filled ? "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"4.5\" fill=\"\(color)\"/>\n"
            : "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"3\" fill=\"none\" stroke=\"#888\"/>\n"
    }

    private static func text(_ x: Double, _ y: Double, _ s: String, anchor: String, size: Int = 11,
                             rotate: Bool = false, color: String = "#000") -> String {
        let esc = s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        let rot = rotate ? " transform=\"rotate(-90 \(f(x)) \(f(y)))\"" : ""
        return "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\" fill=\"\(color)\"\(rot)>\(esc)</text>\n"
    }
}

extension PhaseDiagram {
    /// Atom fractions of a composition in the local element order `zs`.
    func fractions(of c: Composition, _ zs: [Int]) -> [Double] {
        let n = c.numAtoms
        return zs.map { z in c.items.filter { $0.0.z == z }.reduce(0) { $0 + $1.1 } / n }
    }
}
