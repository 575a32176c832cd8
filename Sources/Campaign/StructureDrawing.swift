import Crystal
import Foundation

/// A static SVG drawing of a `CellScene` (the report's fallback for its 3D viewer): cell edges,
/// translucent coordination polyhedra, two-coloured bonds and Jmol-coloured balls sized by element,
/// in a fixed oblique projection, drawn back to front.
enum StructureDrawing {
    static func svg(_ scene: CellScene, size: Double = 140) -> String {
        // Rotate so the view is slightly oblique (yaw 30°, pitch 20°).
        let (cy, sy, cp, sp) = (cos(0.52), sin(0.52), cos(0.35), sin(0.35))
        func project(_ v: Vec3) -> Vec3 {
            let x1 = cy * v.x - sy * v.y, y1 = sy * v.x + cy * v.y
            return Vec3(x1, cp * v.z - sp * y1, sp * v.z + cp * y1)  // (screen x, screen y up, depth)
        }
        let l = scene.lattice
        let corners = (0..<8).map { (i: Int) -> Vec3 in
            let f = Vec3(Double(i & 1), Double((i >> 1) & 1), Double((i >> 2) & 1))
            return project(f.x * l[0] + f.y * l[1] + f.z * l[2])
        }
        let atoms = scene.atoms.map { project($0.position) }
        let all = corners + atoms
        let lo = all.reduce(Vec3(repeating: .infinity)) { pointwiseMin($0, $1) }
        let hi = all.reduce(Vec3(repeating: -.infinity)) { pointwiseMax($0, $1) }
        let span = max(hi.x - lo.x, hi.y - lo.y, 1e-6)
        let pad = 10.0
        let scale = (size - 2 * pad) / span
        func xy(_ p: Vec3) -> String {
            String(format: "%.1f,%.1f", pad + (p.x - lo.x) * scale, size - pad - (p.y - lo.y) * scale)
        }
        // Primitives with their depth (larger = nearer the viewer), painted far to near.
        var items: [(depth: Double, svg: String)] = []
        let edges = [(0, 1), (0, 2), (0, 4), (1, 3), (1, 5), (2, 3), (2, 6), (3, 7), (4, 5), (4, 6), (5, 7), (6, 7)]
        for (a, b) in edges {
            items.append(((corners[a].z + corners[b].z) / 2, "<polyline points=\"\(xy(corners[a])) \(xy(corners[b]))\" stroke=\"#888\" stroke-width=\"0.8\"/>"))
        }
        for p in scene.polyhedra {
            let color = ElementStyle.color(scene.atoms[p.center].element)
            for f in p.faces {
                let depth = f.reduce(0) { $0 + atoms[$1].z } / Double(f.count)
                items.append((depth, "<polygon points=\"\(f.map { xy(atoms[$0]) }.joined(separator: " "))\" fill=\"\(color)\" fill-opacity=\"0.3\" stroke=\"\(color)\" stroke-width=\"0.4\"/>"))
            }
        }
        for b in scene.bonds {
            let (p, q) = (atoms[b[0]], atoms[b[1]])
            let mid = (p + q) / 2
            for (end, atom) in [(p, b[0]), (q, b[1])] {
                items.append(((end.z + mid.z) / 2, "<polyline points=\"\(xy(end)) \(xy(mid))\" stroke=\"\(ElementStyle.color(scene.atoms[atom].element))\" stroke-width=\"1.6\"/>"))
            }
        }
        for (k, atom) in scene.atoms.enumerated() {
            let (cx, cy) = (pad + (atoms[k].x - lo.x) * scale, size - pad - (atoms[k].y - lo.y) * scale)
            let r = max(1.5, ElementStyle.radius(atom.element) * scale)
            items.append((atoms[k].z + 1e-3, String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%@\" stroke=\"#333\" stroke-width=\"0.5\"><title>%@</title></circle>",
                                                     cx, cy, r, ElementStyle.color(atom.element), atom.element.symbol)))
        }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cell\" width=\"\(Int(size))\" height=\"\(Int(size))\" viewBox=\"0 0 \(Int(size)) \(Int(size))\" fill=\"none\">"
        for item in items.sorted(by: { $0.depth < $1.depth }) { out += item.svg }
        return out + "</svg>"
    }
}
