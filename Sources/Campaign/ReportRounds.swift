import Foundation
import KilnSupport

extension CampaignReport {
    /// The loop's progress: per round, what was proposed, chosen and relaxed, the best E_hull, and the
    /// stable / SUN candidates it found (by the final verdicts); then best E_hull against relaxations.
    func roundsSection(stopReason: String?) -> String {
        let rounds = Dictionary(grouping: records, by: \.round)
        var h = "<h2 id=\"rounds\">Rounds</h2><table><tr><th>round</th><th>proposed</th><th>rejected or duplicate</th>"
            + "<th>not selected</th><th>relaxed</th><th>failed</th><th>best E<sub>hull</sub> of the round</th>"
            + "<th>best so far</th><th>stable and unique</th><th>stable, unique, new structure</th></tr>"
        var best = Double.infinity
        var curve: [(relaxations: Int, best: Double)] = []
        var relaxations = 0
        for r in rounds.keys.sorted() {
            let rs = rounds[r]!.sorted { $0.ordinal < $1.ordinal }
            let relaxed = rs.filter { $0.status == .relaxed }
            let roundBest = relaxed.compactMap(\.energyAboveHull).min()
            for x in relaxed.compactMap(\.energyAboveHull) {
                relaxations += 1
                best = min(best, x)
                curve.append((relaxations, best))
            }
            relaxations += rs.filter { $0.status == .failed }.count
            let stableUnique = relaxed.filter { $0.isStable == true && $0.isUnique == true }
            func e(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "–" }
            h += "<tr><td>\(r + 1)</td><td>\(rs.count)</td>"
                + "<td>\(rs.filter { $0.status == .invalid || $0.status == .duplicate }.count)</td>"
                + "<td>\(rs.filter { $0.status == .notSelected || $0.status == .screenedOut }.count)</td>"
                + "<td>\(relaxed.count)</td><td>\(rs.filter { $0.status == .failed }.count)</td>"
                + "<td>\(e(roundBest))</td><td>\(e(best.isFinite ? best : nil))</td>"
                + "<td>\(stableUnique.count)</td><td>\(stableUnique.filter { $0.isNovel == true }.count)</td></tr>"
        }
        h += "</table>"
        if curve.count > 1 { h += "<div class=\"plot\">" + Self.bestCurve(curve) + "</div>" }
        h += "<p class=\"muted\">E<sub>hull</sub> against the MP reference and every candidate of the campaign (eV/atom); "
            + "verdicts are the final ones of the table below. "
            + esc(stopReason.map { "The loop stopped: \($0)." } ?? "") + "</p>"
        return h
    }

    /// Lowest E_hull found against the number of relaxations (inline SVG).
    static func bestCurve(_ curve: [(relaxations: Int, best: Double)]) -> String {
        let (w, h, left, bottom, pad) = (560.0, 260.0, 70.0, 45.0, 20.0)
        let n = Double(curve.last!.relaxations)
        let (lo, hi) = (curve.map(\.best).min()!, curve.map(\.best).max()!)
        let (y0, y1) = hi > lo ? (lo - (hi - lo) * 0.08, hi + (hi - lo) * 0.08) : (lo - 0.01, lo + 0.01)
        func px(_ x: Double) -> Double { left + (x - 1) / max(n - 1, 1) * (w - left - pad) }
        func py(_ y: Double) -> Double { h - bottom - (y - y0) / (y1 - y0) * (h - bottom - pad) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var out = "<svg class=\"rounds\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"\(Int(w))\" height=\"\(Int(h))\">"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(h - bottom))\" x2=\"\(f(w - pad))\" y2=\"\(f(h - bottom))\" stroke=\"#444\"/>"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(pad))\" x2=\"\(f(left))\" y2=\"\(f(h - bottom))\" stroke=\"#444\"/>"
        for v in [1, n] {
            out += "<text x=\"\(f(px(v)))\" y=\"\(f(h - bottom + 16))\" text-anchor=\"middle\" font-size=\"11\">\(Int(v))</text>"
        }
        for v in [y0, y1] {
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(py(v) + 4))\" text-anchor=\"end\" font-size=\"11\">\(String(format: "%.3f", v))</text>"
        }
        out += "<text x=\"\(f((left + w - pad) / 2))\" y=\"\(f(h - 8))\" text-anchor=\"middle\" font-size=\"12\">relaxations</text>"
        out += "<text transform=\"translate(16 \(f((pad + h - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">best E_hull (eV/atom)</text>"
        out += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\""
            + curve.map { "\(f(px(Double($0.relaxations)))),\(f(py($0.best)))" }.joined(separator: " ") + "\"/>"
        return out + "</svg>"
    }
}
