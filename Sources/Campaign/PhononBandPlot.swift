import Dynamics
import Foundation

/// A phonon band structure as inline SVG: frequency (THz) along the band path, the labelled
/// corners marked, zero dashed, imaginary frequencies (drawn negative) below it in red.
public enum PhononBandPlot {
    public static func svg(_ r: PhononCalculator.Result, title: String? = nil) -> String {
        let (w, h, left, bottom, pad) = (520.0, 320.0, 56.0, 36.0, 18.0)
        var out = "<svg class=\"phonons\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"\(Int(w))\" height=\"\(Int(h))\">"
        guard let last = r.path.last, last.distance > 0 else { return out + "</svg>" }
        let all = r.path.flatMap(\.frequencies)
        let (lo, hi) = (min(0, all.min()!), max(all.max()!, 0.1))
        let (y0, y1) = (lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
        func px(_ x: Double) -> Double { left + x / last.distance * (w - left - pad) }
        func py(_ y: Double) -> Double { h - bottom - (y - y0) / (y1 - y0) * (h - bottom - pad) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        out += "<rect x=\"\(f(left))\" y=\"\(f(pad))\" width=\"\(f(w - left - pad))\" height=\"\(f(h - bottom - pad))\" fill=\"none\" stroke=\"#444\"/>"
        for p in r.path where p.label != nil {
            out += "<line x1=\"\(f(px(p.distance)))\" y1=\"\(f(pad))\" x2=\"\(f(px(p.distance)))\" y2=\"\(f(h - bottom))\" stroke=\"#bbb\"/>"
            out += "<text x=\"\(f(px(p.distance)))\" y=\"\(f(h - bottom + 16))\" text-anchor=\"middle\" font-size=\"12\">\(HTML.escape(p.label!))</text>"
        }
        out += "<line x1=\"\(f(left))\" y1=\"\(f(py(0)))\" x2=\"\(f(w - pad))\" y2=\"\(f(py(0)))\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>"
        for v in [y0, 0, y1] where v == 0 || abs(v) > 0.05 * (y1 - y0) {
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(py(v) + 4))\" text-anchor=\"end\" font-size=\"11\">\(String(format: "%.1f", v))</text>"
        }
        out += "<text transform=\"translate(14 \(f((pad + h - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">frequency (THz)</text>"
        if let title { out += "<text x=\"\(f(left))\" y=\"12\" font-size=\"12\">\(HTML.escape(title))</text>" }
        let bands = r.path.first?.frequencies.count ?? 0
        for b in 0..<bands {
            let points = r.path.map { "\(f(px($0.distance))),\(f(py($0.frequencies[b])))" }.joined(separator: " ")
            let imaginary = r.path.contains { $0.frequencies[b] < -r.tolerance }
            out += "<polyline fill=\"none\" stroke=\"\(imaginary ? "#d62728" : "#1f77b4")\" stroke-width=\"1.2\" points=\"\(points)\"/>"
        }
        return out + "</svg>"
    }

    /// The band structure as CSV: path distance, q, corner label, then one column per band (THz).
    public static func csv(_ r: PhononCalculator.Result) -> String {
        let n = r.path.first?.frequencies.count ?? 0
        var s = "distance,q1,q2,q3,label," + (0..<n).map { "band\($0 + 1)_THz" }.joined(separator: ",") + "\n"
        for p in r.path {
            s += String(format: "%.6f,%.6f,%.6f,%.6f,", p.distance, p.q[0], p.q[1], p.q[2]) + (p.label ?? "") + ","
                + p.frequencies.map { String(format: "%.6f", $0) }.joined(separator: ",") + "\n"
        }
        return s
    }
}
