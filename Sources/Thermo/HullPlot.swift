import Crystal
import Foundation

/// SVG drawings of binary (formation energy vs composition) and ternary (Gibbs triangle) hulls:
/// reference phases on the hull filled and labelled, those above it as small hollow marks, hull
/// edges, and the marked entries coloured by E_hull (with a colour bar) and labelled without
/// overlap (`LabelPlacement`, leader lines to labels moved away from their marker). Every point
/// carries hover text. Labels are `<text class="hull-label">`, markers `<circle class="hull-marker">`.
public enum HullPlot {
    /// An entry to mark: its hull result, the label beside its marker (nil: marker only) and hover text.
    public struct Mark: Sendable {
        public var result: HullResult
        public var label: String?
        public var detail: String
        public init(result: HullResult, label: String?, detail: String) {
            self.result = result
            self.label = label
            self.detail = detail
        }
    }

    /// Marks labelled by reduced formula (hover: formula, id, E_hull), as `kiln hull --plot` draws them.
    public static func formulaMarks(_ results: [HullResult]) -> [Mark] {
        results.map { r in
            Mark(result: r, label: r.entry.composition.reducedFormula,
                 detail: "\(r.entry.composition.reducedFormula) (\(r.entry.id)): E_hull \(String(format: "%.3f", r.energyAboveHull)) eV/atom")
        }
    }

    /// Draws the hull of the chemical system `elements` (2 or 3 elements) with `marks`; entries of
    /// the diagram that are marked are drawn only as marks.
    public static func svg(_ pd: PhaseDiagram, elements: [Element], marks: [Mark] = []) throws -> String {
        // By atomic number: the order of the diagram's fraction vectors (`ElementMask.zs`).
        let els = elements.sorted { $0.z < $1.z }
        guard els.count == 2 || els.count == 3 else {
            throw ThermoError.invalidInput("plots need a binary or ternary system, got \(els.map(\.symbol).joined(separator: "-"))")
        }
        let missing = els.filter { pd.referenceIndex[$0.z] == nil }.map(\.symbol)
        guard missing.isEmpty else {
            throw ThermoError.outsideDiagram(formula: els.map(\.symbol).joined(separator: "-"), missing: missing)
        }
        let system = ElementMask(zs: els.map(\.z))
        let zs = system.zs
        let pool = pd.queryPool(system)
        let marked = Set(marks.map(\.result.entry.id))
        var refs: [Point] = []
        var vertices: [(frac: [Double], f: Double)] = []
        for i in pd.entries.indices where pd.masks[i].isSubset(of: system) {
            let fr = pd.dense(i, zs)
            if pd.isVertex(i) { vertices.append((fr, pd.formation[i])) }
            if marked.contains(pd.entries[i].id) { continue }
            let eHull = max(0, pd.formation[i] - pool.lowerHull(at: fr).energy)
            let name = pd.entries[i].composition.reducedFormula
            refs.append(Point(frac: fr, f: pd.formation[i], onHull: pd.isVertex(i), label: name,
                              detail: "\(name) (\(pd.entries[i].id)): E_hull \(String(format: "%.3f", eHull)) eV/atom"))
        }
        // Hull edges: pairs of vertices whose midpoint lies on the hull.
        var edges: [(Int, Int)] = []
        for a in vertices.indices {
            for b in vertices.indices where b > a {
                let mid = zip(vertices[a].frac, vertices[b].frac).map { ($0 + $1) / 2 }
                if abs(pool.lowerHull(at: mid).energy - (vertices[a].f + vertices[b].f) / 2) < 1e-9 { edges.append((a, b)) }
            }
        }
        let points = marks.map { m in
            MarkPoint(frac: pd.fractions(of: m.result.entry.composition, zs), f: m.result.formationEnergyPerAtom,
                      eHull: max(0, m.result.energyAboveHull), label: m.label, detail: m.detail)
        }
        var canvas = Canvas(els: els, refs: refs, vertices: vertices, edges: edges, marks: points)
        return canvas.draw()
    }

    struct Point {
        var frac: [Double], f: Double, onHull: Bool, label: String, detail: String
    }

    struct MarkPoint {
        var frac: [Double], f: Double, eHull: Double, label: String?, detail: String
    }

    /// Viridis, sampled at five stops (0 = on the hull).
    static let colorStops: [(Double, (Double, Double, Double))] = [
        (0, (68, 1, 84)), (0.25, (59, 82, 139)), (0.5, (33, 145, 140)), (0.75, (94, 201, 98)), (1, (253, 231, 37)),
    ]

    /// The colour of `t` in 0…1 on the E_hull scale.
    static func color(_ t: Double) -> String {
        let t = min(max(t, 0), 1)
        let k = min(Int(t * 4), 3)
        let (t0, c0) = colorStops[k], (t1, c1) = colorStops[k + 1]
        let u = (t - t0) / (t1 - t0)
        func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * u).rounded()) }
        return String(format: "#%02x%02x%02x", mix(c0.0, c1.0), mix(c0.1, c1.1), mix(c0.2, c1.2))
    }

    /// Label size estimate (drawing units) for `text` at `fontSize`: generous, so the rendered text
    /// stays inside the box the placement reserved.
    static func labelSize(_ text: String, fontSize: Double) -> (width: Double, height: Double) {
        (Double(text.count) * fontSize * 0.68 + 4, fontSize * 1.35)
    }
}

/// Lays out and writes one hull plot.
private struct Canvas {
    let els: [Element]
    let refs: [HullPlot.Point]
    let vertices: [(frac: [Double], f: Double)]
    let edges: [(Int, Int)]
    let marks: [HullPlot.MarkPoint]

    let width = 720.0, margin = 70.0, barWidth = 90.0, fontSize = 11.0
    var height = 480.0
    var lo = 0.0, hi = 0.0
    var side: Double { width - 2 * margin - barWidth }
    var isBinary: Bool { els.count == 2 }

    init(els: [Element], refs: [HullPlot.Point], vertices: [(frac: [Double], f: Double)], edges: [(Int, Int)], marks: [HullPlot.MarkPoint]) {
        (self.els, self.refs, self.vertices, self.edges, self.marks) = (els, refs, vertices, edges, marks)
        if isBinary {
            let fs = refs.map(\.f) + marks.map(\.f) + vertices.map(\.f) + [0]
            lo = min(fs.min()!, -0.1) * 1.1
            hi = max(fs.max()!, 0.05) * 1.1
        } else {
            height = 70 + side * 3.squareRoot() / 2 + 70
        }
    }

    /// Drawing coordinates of a composition (and formation energy, for binaries).
    func xy(_ frac: [Double], _ f: Double) -> (Double, Double) {
        if isBinary { return (margin + frac[1] * side, margin + (hi - f) / (hi - lo) * (height - 2 * margin)) }
        let h = side * 3.squareRoot() / 2
        return (margin + (frac[1] + frac[2] / 2) * side, 70 + h - frac[2] * h)
    }

    mutating func draw() -> String {
        let title = els.map(\.symbol).joined(separator: "–") + " convex hull"
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"hull\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"\(Int(fontSize))\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + text(width / 2, 24, title, anchor: "middle", size: 15)
        var obstacles: [LabelPlacement.Box] = []
        s += isBinary ? binaryAxes(&obstacles) : triangle(&obstacles)
        for (a, b) in edges {
            let p = xy(vertices[a].frac, vertices[a].f), q = xy(vertices[b].frac, vertices[b].f)
            s += line(p.0, p.1, q.0, q.1, "#1f5fbf")
        }
        let vmax = min(1, max(0.05, marks.map(\.eHull).max() ?? 0))

        // Markers first (all are obstacles to labels), then labels: hull phases, then marks in order,
        // coincident marks sharing one label.
        var labels: [(text: String, anchor: (Double, Double), r: Double, color: String)] = []
        for p in refs where !p.onHull {
            let (x, y) = xy(p.frac, p.f)
            s += "<circle class=\"hull-marker\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"2.5\" fill=\"white\" stroke=\"#999\"><title>\(esc(p.detail))</title></circle>\n"
            obstacles.append(.init(cx: x, cy: y, r: 2.5))
        }
        for p in refs where p.onHull {
            let (x, y) = xy(p.frac, p.f)
            s += "<circle class=\"hull-marker\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"4.5\" fill=\"#1f5fbf\"><title>\(esc(p.detail))</title></circle>\n"
            obstacles.append(.init(cx: x, cy: y, r: 4.5))
            labels.append((p.label, (x, y), 4.5, "#1f5fbf"))
        }
        var groups: [(anchor: (Double, Double), names: [String])] = []
        for m in marks {
            let (x, y) = xy(m.frac, m.f)
            let r = m.label == nil ? 3.5 : 5.0
            s += "<circle class=\"hull-marker\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(r))\" fill=\"\(HullPlot.color(m.eHull / vmax))\" "
                + "stroke=\"#222\" stroke-width=\"0.8\"\(m.label == nil ? " fill-opacity=\"0.6\"" : "")><title>\(esc(m.detail))</title></circle>\n"
            obstacles.append(.init(cx: x, cy: y, r: r))
            guard let label = m.label else { continue }
            if let g = groups.firstIndex(where: { abs($0.anchor.0 - x) < 2 && abs($0.anchor.1 - y) < 2 }) {
                groups[g].names.append(label)
            } else {
                groups.append(((x, y), [label]))
            }
        }
        for g in groups {
            // Distinct names in order, repeated ones counted ("LiMnO2 ×3"), at most five then "+n".
            var names: [String] = []
            for n in g.names where !names.contains(n) { names.append(n) }
            let counted = names.map { n in
                let k = g.names.filter { $0 == n }.count
                return k > 1 ? "\(n) ×\(k)" : n
            }
            let shown = counted.count > 6 ? counted.prefix(5).joined(separator: ",") + " +\(counted.count - 5)" : counted.joined(separator: ",")
            labels.append((shown, g.anchor, 5, "#000"))
        }
        let requests = labels.map { l -> LabelPlacement.Label in
            let size = HullPlot.labelSize(l.text, fontSize: fontSize)
            return .init(x: l.anchor.0, y: l.anchor.1, clearance: l.r, width: size.width, height: size.height)
        }
        let bounds = LabelPlacement.Box(x: 4, y: 34, width: width - barWidth - 8, height: height - 34 - 24)
        let boxes = LabelPlacement().place(requests, markers: obstacles, bounds: bounds)
        var unplaced: [String] = []
        for (l, box) in zip(labels, boxes) {
            guard let box else { unplaced.append(l.text); continue }
            let (ax, ay) = l.anchor
            let (nx, ny) = box.nearestPoint(ax, ay)
            if hypot(nx - ax, ny - ay) > l.r + 4 { s += line(ax, ay, nx, ny, "#777", width: 0.7) }
            s += "<text class=\"hull-label\" x=\"\(f(box.midX))\" y=\"\(f(box.y + box.height * 0.76))\" text-anchor=\"middle\" fill=\"\(l.color)\" stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\">\(esc(l.text))</text>\n"
        }
        s += colorBar(vmax)
        let legend = isBinary ? "" : "filled blue: reference phase on the hull · hollow: above the hull · coloured: marked entries by E_hull"
        let missing = unplaced.isEmpty ? "" : " · not labelled (no room): " + unplaced.joined(separator: "; ")
        if !(legend + missing).isEmpty { s += text(width / 2, height - 8, legend + missing, anchor: "middle") }
        return s + "</svg>\n"
    }

    func binaryAxes(_ obstacles: inout [LabelPlacement.Box]) -> String {
        let x0 = margin, x1 = margin + side, yLo = xy([1, 0], lo).1, yZero = xy([1, 0], 0).1, yHi = xy([1, 0], hi).1
        var s = line(x0, yZero, x1, yZero, "#bbb", dash: true)
        s += line(x0, yHi, x0, yLo, "#000") + line(x0, yLo, x1, yLo, "#000")
        for k in 0...4 {
            let v = lo + (hi - lo) * Double(k) / 4
            s += text(x0 - 8, xy([1, 0], v).1 + 4, String(format: "%.2f", v), anchor: "end")
            s += text(x0 + side * Double(k) / 4, yLo + 18, String(format: "%.2f", Double(k) / 4), anchor: "middle")
        }
        s += text(margin - 50, height / 2, "E_f (eV/atom)", anchor: "middle", rotate: true)
        s += text(x0 + side / 2, height - 20, "x in \(els[0].symbol)₁₋ₓ\(els[1].symbol)ₓ", anchor: "middle")
        // Keep labels inside the axes.
        obstacles.append(.init(x: 0, y: 0, width: x0, height: height))
        obstacles.append(.init(x: 0, y: yLo, width: width, height: height - yLo))
        return s
    }

    func triangle(_ obstacles: inout [LabelPlacement.Box]) -> String {
        let corners = [[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]].map { xy($0, 0) }
        var s = ""
        for k in 0..<3 { s += line(corners[k].0, corners[k].1, corners[(k + 1) % 3].0, corners[(k + 1) % 3].1, "#000") }
        // Element names outside the corners: left, right, above.
        let spots = [(corners[0].0 - 12, corners[0].1 + 18), (corners[1].0 + 12, corners[1].1 + 18), (corners[2].0, corners[2].1 - 16)]
        for (el, (x, y)) in zip(els, spots) {
            s += text(x, y, el.symbol, anchor: "middle", size: 14)
            obstacles.append(.init(x: x - 14, y: y - 15, width: 28, height: 20))
        }
        return s
    }

    func colorBar(_ vmax: Double) -> String {
        guard !marks.isEmpty else { return "" }
        let x = width - barWidth + 20, top = 60.0, h = min(240, height - 140)
        var s = "<defs><linearGradient id=\"ehull-\(els.map(\.symbol).joined())\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
        for (t, _) in HullPlot.colorStops { s += "<stop offset=\"\(t)\" stop-color=\"\(HullPlot.color(t))\"/>" }
        s += "</linearGradient></defs>\n"
        s += "<rect class=\"colorbar\" x=\"\(f(x))\" y=\"\(f(top))\" width=\"14\" height=\"\(f(h))\" fill=\"url(#ehull-\(els.map(\.symbol).joined()))\" stroke=\"#555\" stroke-width=\"0.5\"/>\n"
        for k in 0...4 {
            let y = top + h - h * Double(k) / 4
            let value = vmax * Double(k) / 4
            s += line(x + 14, y, x + 18, y, "#555", width: 0.7) + text(x + 21, y + 4, String(format: "%.3f", value) + (k == 4 ? "+" : ""), anchor: "start", size: 10)
        }
        s += text(x + 7, top - 10, "E_hull (eV/atom)", anchor: "middle", size: 10)
        return s
    }

    func f(_ x: Double) -> String { String(format: "%.1f", x) }

    func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ color: String, dash: Bool = false, width: Double = 1.5) -> String {
        "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(color)\" stroke-width=\"\(width)\""
            + (dash ? " stroke-dasharray=\"4 3\"" : "") + "/>\n"
    }

    func text(_ x: Double, _ y: Double, _ s: String, anchor: String, size: Double = 11, rotate: Bool = false) -> String {
        let rot = rotate ? " transform=\"rotate(-90 \(f(x)) \(f(y)))\"" : ""
        return "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(Int(size))\"\(rot)>\(esc(s))</text>\n"
    }
}

extension PhaseDiagram {
    /// Atom fractions of a composition in the local element order `zs`.
    func fractions(of c: Composition, _ zs: [Int]) -> [Double] {
        let n = c.numAtoms
        return zs.map { z in c.items.filter { $0.0.z == z }.reduce(0) { $0 + $1.1 } / n }
    }
}
