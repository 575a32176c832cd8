import Foundation

/// Points of a binary or ternary phase diagram to draw: reference phases and candidates.
public struct HullPlot: Sendable {
    public struct Point: Sendable {
        public var label: String
        /// Atomic fractions of `elements`, summing to 1.
        public var fractions: [Double]
        public var formationEnergy: Double
        public var eHull: Double
        public var isCandidate: Bool
        public init(label: String, fractions: [Double], formationEnergy: Double, eHull: Double, isCandidate: Bool) {
            self.label = label
            self.fractions = fractions
            self.formationEnergy = formationEnergy
            self.eHull = eHull
            self.isCandidate = isCandidate
        }
    }

    public var elements: [String]
    public var points: [Point]
    /// Tie-lines between stable points (indices into `points`).
    public var tieLines: [(Int, Int)]

    public init(elements: [String], points: [Point], tieLines: [(Int, Int)]) {
        self.elements = elements
        self.points = points
        self.tieLines = tieLines
    }

    /// SVG: energy vs composition for two elements; the Gibbs triangle for three.
    public func svg(width: Double = 520, height: Double = 420) -> String {
        elements.count == 2 ? binary(width, height) : ternary(width, height)
    }

    private func marker(_ p: Point, _ x: Double, _ y: Double) -> String {
        let title = String(format: "%@: E_f %.3f eV/atom, E_hull %.3f eV/atom", p.label, p.formationEnergy, p.eHull)
        if p.isCandidate {
            let color = p.eHull <= 1e-9 ? "#d62728" : (p.eHull <= 0.1 ? "#ff7f0e" : "#bbbbbb")
            return String(format: "<path d=\"M%.1f %.1f l6 10 h-12 z\" fill=\"%@\" stroke=\"#333\"><title>%@</title></path>", x, y - 6, color, title)
        }
        let stable = p.eHull <= 1e-9
        return String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%@\" fill=\"%@\" stroke=\"#333\"><title>%@</title></circle>",
                      x, y, stable ? "5" : "3", stable ? "#1f77b4" : "#ffffff", title)
    }

    private func binary(_ w: Double, _ h: Double) -> String {
        let (l, r, t, b) = (60.0, 20.0, 20.0, 50.0)
        let eMin = min(points.map(\.formationEnergy).min() ?? -1, -0.1) * 1.1
        let eMax = max(points.map(\.formationEnergy).max() ?? 0, 0.1) + 0.05
        func x(_ f: Double) -> Double { l + f * (w - l - r) }
        func y(_ e: Double) -> Double { t + (eMax - e) / (eMax - eMin) * (h - t - b) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"11\">"
        s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"3 3\"/>", x(0), y(0), x(1), y(0))
        s += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>", l, t, w - l - r, h - t - b)
        for (a, c) in tieLines {
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>",
                        x(points[a].fractions[1]), y(points[a].formationEnergy), x(points[c].fractions[1]), y(points[c].formationEnergy))
        }
        for p in points { s += marker(p, x(p.fractions[1]), y(p.formationEnergy)) }
        for p in points where p.eHull <= 1e-9 {
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>", x(p.fractions[1]), y(p.formationEnergy) + 16, p.label)
        }
        s += String(format: "<text x=\"%.1f\" y=\"%.1f\">%@</text><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>",
                    l, h - 20, elements[0], w - r, h - 20, elements[1])
        s += String(format: "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">formation energy (eV/atom)</text>", h / 2, h / 2)
        for e in stride(from: (eMin * 2).rounded(.up) / 2, through: eMax, by: 0.5) {
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>", l - 4, y(e) + 4, e)
        }
        return s + "</svg>"
    }

    private func ternary(_ w: Double, _ h: Double) -> String {
        let side = min(w - 60, (h - 60) / 0.866)
        let ox = (w - side) / 2, oy = h - 30
        func xy(_ f: [Double]) -> (Double, Double) {
            // Corners: element 0 bottom-left, 1 bottom-right, 2 top.
            (ox + side * (f[1] + 0.5 * f[2]), oy - side * 0.866 * f[2])
        }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"11\">"
        let c0 = xy([1, 0, 0]), c1 = xy([0, 1, 0]), c2 = xy([0, 0, 1])
        s += String(format: "<path d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f Z\" fill=\"none\" stroke=\"#333\"/>", c0.0, c0.1, c1.0, c1.1, c2.0, c2.1)
        for (a, b) in tieLines {
            let p = xy(points[a].fractions), q = xy(points[b].fractions)
            s += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f77b4\" stroke-width=\"1\"/>", p.0, p.1, q.0, q.1)
        }
        for p in points.sorted(by: { !$0.isCandidate && $1.isCandidate }) {
            let (x, y) = xy(p.fractions)
            s += marker(p, x, y)
        }
        for p in points where p.eHull <= 1e-9 && !p.isCandidate {
            let (x, y) = xy(p.fractions)
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#124\">%@</text>", x, y - 8, p.label)
        }
        s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"14\">%@</text>", c0.0 - 6, c0.1 + 4, elements[0])
        s += String(format: "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\">%@</text>", c1.0 + 6, c1.1 + 4, elements[1])
        s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"14\">%@</text>", c2.0, c2.1 - 8, elements[2])
        return s + "</svg>"
    }
}
