import Foundation

/// The report's Pareto plot: ranked candidates in the first two Pareto objectives, the first
/// front filled and joined, later fronts hollow, each mark numbered by its rank (inline SVG).
enum ParetoPlot {
    static func svg(_ records: [CandidateRecord], objectives: [CampaignSpec.Ranking.Objective], targets: [CampaignSpec.Target]) -> String {
        let (w, h, left, bottom, pad) = (560.0, 380.0, 70.0, 50.0, 20.0)
        let ranked = records.filter { $0.rank != nil && $0.paretoFront != nil }.sorted { $0.rank! < $1.rank! }
        var out = "<svg class=\"pareto\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"\(Int(w))\" height=\"\(Int(h))\">"
        guard objectives.count >= 2, !ranked.isEmpty else {
            return out + "<text x=\"\(Int(w / 2))\" y=\"\(Int(h / 2))\" text-anchor=\"middle\">no ranked candidate</text></svg>"
        }
        let (ox, oy) = (objectives[0], objectives[1])
        let xs = ranked.map { ox.value($0, targets: targets) }, ys = ranked.map { oy.value($0, targets: targets) }
        func span(_ v: [Double]) -> (Double, Double) {
            let (lo, hi) = (v.min()!, v.max()!)
            let margin = hi > lo ? (hi - lo) * 0.08 : max(abs(lo) * 0.1, 0.01)
            return (lo - margin, hi + margin)
        }
        let (x0, x1) = span(xs), (y0, y1) = span(ys)
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * (w - left - pad) }
        func py(_ y: Double) -> Double { h - bottom - (y - y0) / (y1 - y0) * (h - bottom - pad) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        func tick(_ v: Double) -> String { String(format: abs(v) >= 100 ? "%.0f" : "%.3g", v) }
        // axes with end ticks
        out += "<line x1=\"\(f(left))\" y1=\"\(f(h - bottom))\" x2=\"\(f(w - pad))\" y2=\"\(f(h - bottom))\" stroke=\"#444\"/>"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(pad))\" x2=\"\(f(left))\" y2=\"\(f(h - bottom))\" stroke=\"#444\"/>"
        for v in [x0, (x0 + x1) / 2, x1] {
            out += "<text x=\"\(f(px(v)))\" y=\"\(f(h - bottom + 16))\" text-anchor=\"middle\" font-size=\"11\">\(tick(v))</text>"
        }
        for v in [y0, (y0 + y1) / 2, y1] {
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(py(v) + 4))\" text-anchor=\"end\" font-size=\"11\">\(tick(v))</text>"
        }
        out += "<text x=\"\(f((left + w - pad) / 2))\" y=\"\(f(h - 10))\" text-anchor=\"middle\" font-size=\"12\">\(HTML.escape(ox.label(targets: targets)))</text>"
        out += "<text transform=\"translate(16 \(f((pad + h - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(HTML.escape(oy.label(targets: targets)))</text>"
        // the first front, joined in order of the first plotted objective
        let first = ranked.filter { $0.paretoFront == 1 }.map { (px(ox.value($0, targets: targets)), py(oy.value($0, targets: targets))) }.sorted { $0.0 < $1.0 }
        if first.count > 1 {
            out += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\""
                + first.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ") + "\"/>"
        }
        for (r, (x, y)) in zip(ranked, zip(xs, ys)) {
            let onFront = r.paretoFront == 1
            let values = objectives.map { "\($0.name) \(String(format: "%.3f", $0.value(r, targets: targets)))" }.joined(separator: ", ")
            out += "<g class=\"pareto-mark\"><title>\(HTML.escape("#\(r.rank!) \(r.formula): front \(r.paretoFront!), \(values)"))</title>"
            out += "<circle cx=\"\(f(px(x)))\" cy=\"\(f(py(y)))\" r=\"5\" stroke=\"#1f77b4\" stroke-width=\"1.5\" fill=\"\(onFront ? "#1f77b4" : "white")\"/>"
            out += "<text x=\"\(f(px(x) + 7))\" y=\"\(f(py(y) - 6))\" font-size=\"10\">\(r.rank!)</text></g>"
        }
        return out + "</svg>"
    }
}
