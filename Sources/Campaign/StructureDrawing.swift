import Crystal
import Foundation

/// A small SVG drawing of a unit cell: cell edges and atoms (coloured per element) in an oblique
/// projection, atoms drawn back to front.
enum StructureDrawing {
    static func svg(_ s: Structure, size: Double = 140) -> String {
        // Rotate so the view is slightly oblique (yaw 30°, pitch 20°).
        let (cy, sy, cp, sp) = (cos(0.52), sin(0.52), cos(0.35), sin(0.35))
        func project(_ v: Vec3) -> Vec3 {
            let x1 = cy * v.x - sy * v.y, y1 = sy * v.x + cy * v.y
            return Vec3(x1, cp * v.z - sp * y1, sp * v.z + cp * y1)  // (screen x, screen y up, depth)
        }
        var corners: [Vec3] = []
        for i in 0..<8 {
            corners.append(project(s.lattice.cartesian(Vec3(Double(i & 1), Double((i >> 1) & 1), Double((i >> 2) & 1)))))
        }
        let atoms = s.sites.map { (project(s.lattice.cartesian($0.frac - $0.frac.rounded(.down))), $0.element) }
        let all = corners + atoms.map(\.0)
        let lo = all.reduce(Vec3(repeating: .infinity)) { pointwiseMin($0, $1) }
        let hi = all.reduce(Vec3(repeating: -.infinity)) { pointwiseMax($0, $1) }
        let span = max(hi.x - lo.x, hi.y - lo.y, 1e-6)
        let pad = 12.0
        let scale = (size - 2 * pad) / span
        func xy(_ p: Vec3) -> (Double, Double) { (pad + (p.x - lo.x) * scale, size - pad - (p.y - lo.y) * scale) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(size))\" height=\"\(Int(size))\" viewBox=\"0 0 \(Int(size)) \(Int(size))\">"
        let edges = [(0, 1), (0, 2), (0, 4), (1, 3), (1, 5), (2, 3), (2, 6), (3, 7), (4, 5), (4, 6), (5, 7), (6, 7)]
        for (a, b) in edges {
            let (x1, y1) = xy(corners[a]), (x2, y2) = xy(corners[b])
            out += String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" stroke-width=\"1\"/>", x1, y1, x2, y2)
        }
        let radius = max(3, min(9, 0.6 * scale * pow(s.volumePerAtom, 1.0 / 3.0) / 2))
        for (p, el) in atoms.sorted(by: { $0.0.z < $1.0.z }) {
            let (x, y) = xy(p)
            out += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%@\" stroke=\"#333\" stroke-width=\"0.6\"><title>%@</title></circle>",
                          x, y, radius, color(el), el.symbol)
        }
        return out + "</svg>"
    }

    /// A stable colour per element, hues spread by atomic number.
    static func color(_ el: Element) -> String {
        String(format: "hsl(%d, 65%%, 55%%)", (el.z * 47) % 360)
    }
}
