import Diffusion
import Foundation

/// The training curve of a diffusion run as a small self-contained SVG: mean training loss and
/// held-out loss per epoch on a logarithmic axis.
enum TrainingCurvePlot {
    static func svg(_ history: [DiffusionEpoch], title: String) -> String {
        let (width, height, left, right, top, bottom) = (640.0, 360.0, 60.0, 20.0, 30.0, 40.0)
        let series: [(String, String, [(Int, Double)])] = [
            ("training loss", "#1f77b4", history.map { ($0.epoch, $0.loss) }),
            ("held-out loss (moving-average weights)", "#d62728", history.compactMap { e in e.validationLoss.map { (e.epoch, $0) } }),
        ]
        let values = series.flatMap { $0.2.map(\.1) }.filter { $0 > 0 && $0.isFinite }
        guard let lo = values.min(), let hi = values.max(), let last = history.last?.epoch else {
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"40\"><text x=\"10\" y=\"25\">no epochs yet</text></svg>\n"
        }
        let (ylo, yhi) = (floor(log10(lo)), max(ceil(log10(hi)), floor(log10(lo)) + 1))
        func x(_ e: Int) -> Double { left + (width - left - right) * Double(e) / Double(max(last, 1)) }
        func y(_ v: Double) -> Double { top + (height - top - bottom) * (yhi - log10(v)) / (yhi - ylo) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        out += "<text x=\"\(left)\" y=\"18\" font-size=\"14\">\(escape(title))</text>\n"
        for p in stride(from: Int(ylo), through: Int(yhi), by: 1) {
            let yy = y(pow(10, Double(p)))
            out += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>", left, yy, width - right, yy)
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">1e%d</text>\n", left - 6, yy + 4, p)
        }
        out += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">epoch (last %d)</text>\n", (left + width - right) / 2, height - 10, last)
        for (k, (name, colour, points)) in series.enumerated() where !points.isEmpty {
            let path = points.filter { $0.1 > 0 && $0.1.isFinite }.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
            out += String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"%@\">%@</text>\n", width - right - 300, top + 16 + 16 * Double(k), colour, escape(name))
        }
        return out + "</svg>\n"
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
