import Foundation

/// The Voronoi cell of a point among its neighbours: the region closer to the centre than to any
/// neighbour, built by cutting a large box with each neighbour's bisecting plane. Each face belongs
/// to one neighbour and carries the statistics pymatgen's `VoronoiNN` reports for it.
public struct VoronoiCell: Sendable {
    public struct Face: Sendable {
        /// Index into the neighbour vectors the cell was built from.
        public var neighbor: Int
        /// Solid angle subtended at the centre (sr).
        public var solidAngle: Double
        /// Area (Å²).
        public var area: Double
        /// Distance from the centre to the face: half the neighbour distance (Å).
        public var faceDistance: Double
        /// Volume of the pyramid from the centre to the face (Å³).
        public var volume: Double { area * faceDistance / 3 }
    }

    /// Faces with positive area, in the order of the neighbour vectors.
    public var faces: [Face]

    /// Builds the cell of the origin among `neighbors` (vectors from the centre, Å). Returns nil when
    /// the neighbours do not enclose the centre (the cell is unbounded).
    public init?(neighbors: [Vec3]) {
        let box = 1e4
        var poly = Polyhedron(halfSize: box)
        let order = neighbors.indices.sorted { dot(neighbors[$0], neighbors[$0]) < dot(neighbors[$1], neighbors[$1]) }
        for k in order {
            let v = neighbors[k]
            let length = norm(v)
            guard length > 0 else { continue }
            // A plane farther than every vertex cannot cut; neighbours are sorted by distance.
            if length / 2 > poly.maxRadius * (1 + 1e-12) + Polyhedron.tolerance { break }
            poly.clip(normal: v / length, offset: length / 2, id: k)
        }
        guard poly.maxRadius < box / 2 else { return nil }
        faces = poly.faces.compactMap { f -> Face? in
            guard f.id >= 0 else { return nil }
            let area = Self.area(f.vertices)
            guard area > 0 else { return nil }
            return Face(neighbor: f.id, solidAngle: Self.solidAngle(f.vertices), area: area,
                        faceDistance: norm(neighbors[f.id]) / 2)
        }.sorted { $0.neighbor < $1.neighbor }
    }

    /// Area of a planar convex polygon.
    static func area(_ p: [Vec3]) -> Double {
        var s = Vec3.zero
        for i in 1..<(p.count - 1) { s += cross(p[i] - p[0], p[i + 1] - p[0]) }
        return norm(s) / 2
    }

    /// Solid angle of a convex polygon seen from the origin: a fan of triangles from the first
    /// vertex, each by Van Oosterom and Strackee's formula (as pymatgen's `solid_angle`). A fan
    /// triangle of zero area (collinear vertices) adds nothing; pymatgen's formula would add 2π.
    static func solidAngle(_ p: [Vec3]) -> Double {
        let r = p.map { norm($0) }
        var total = 0.0
        for i in 1..<(p.count - 1) {
            let j = i + 1
            let tp = abs(dot(p[0], cross(p[i], p[j])))
            if tp == 0 { continue }
            let de = r[0] * r[i] * r[j] + r[j] * dot(p[0], p[i]) + r[i] * dot(p[0], p[j]) + r[0] * dot(p[i], p[j])
            let a = de == 0 ? (tp > 0 ? Double.pi / 2 : -Double.pi / 2) : atan(tp / de)
            total += (a > 0 ? a : a + .pi) * 2
        }
        return total
    }
}

/// A convex polyhedron as a list of faces (vertex loops), cut by half-spaces.
struct Polyhedron {
    struct Face { var id: Int; var vertices: [Vec3] }
    static let tolerance = 1e-9
    var faces: [Face]
    var maxRadius: Double

    /// An axis-aligned cube around the origin; its faces have negative ids.
    init(halfSize h: Double) {
        func v(_ x: Double, _ y: Double, _ z: Double) -> Vec3 { Vec3(x * h, y * h, z * h) }
        faces = [
            Face(id: -1, vertices: [v(1, -1, -1), v(1, 1, -1), v(1, 1, 1), v(1, -1, 1)]),
            Face(id: -2, vertices: [v(-1, -1, -1), v(-1, -1, 1), v(-1, 1, 1), v(-1, 1, -1)]),
            Face(id: -3, vertices: [v(-1, 1, -1), v(-1, 1, 1), v(1, 1, 1), v(1, 1, -1)]),
            Face(id: -4, vertices: [v(-1, -1, -1), v(1, -1, -1), v(1, -1, 1), v(-1, -1, 1)]),
            Face(id: -5, vertices: [v(-1, -1, 1), v(1, -1, 1), v(1, 1, 1), v(-1, 1, 1)]),
            Face(id: -6, vertices: [v(-1, -1, -1), v(-1, 1, -1), v(1, 1, -1), v(1, -1, -1)]),
        ]
        maxRadius = h * 3.0.squareRoot()
    }

    /// Keeps the part with `normal·x ≤ offset`; the cut adds a face with `id` when it removes volume.
    mutating func clip(normal n: Vec3, offset d: Double, id: Int) {
        let eps = Self.tolerance
        var removesSomething = false
        for f in faces where !removesSomething {
            for x in f.vertices where dot(n, x) - d > eps { removesSomething = true; break }
        }
        guard removesSomething else { return }
        var kept: [Face] = []
        kept.reserveCapacity(faces.count + 1)
        var cut: [Vec3] = []
        for f in faces {
            let s = f.vertices.map { dot(n, $0) - d }
            var out: [Vec3] = []
            for i in f.vertices.indices {
                let j = (i + 1) % f.vertices.count
                let a = f.vertices[i], b = f.vertices[j], sa = s[i], sb = s[j]
                if sa <= eps {
                    out.append(a)
                    if sa >= -eps { cut.append(a) }
                }
                if (sa < -eps && sb > eps) || (sa > eps && sb < -eps) {
                    let x = a + (b - a) * (sa / (sa - sb))
                    out.append(x)
                    cut.append(x)
                }
            }
            let face = Self.distinct(out)
            if face.count >= 3 { kept.append(Face(id: f.id, vertices: face)) }
        }
        let loop = Self.orderedLoop(Self.distinct(cut, loop: false), normal: n)
        if loop.count >= 3 { kept.append(Face(id: id, vertices: loop)) }
        faces = kept
        maxRadius = faces.reduce(0) { m, f in f.vertices.reduce(m) { max($0, norm($1)) } }
    }

    /// Drops repeated points (consecutive ones for a loop, any for a set).
    static func distinct(_ p: [Vec3], loop: Bool = true) -> [Vec3] {
        let eps2 = 1e-16
        var out: [Vec3] = []
        for x in p {
            if loop {
                if let last = out.last, dot(last - x, last - x) < eps2 { continue }
            } else if out.contains(where: { dot($0 - x, $0 - x) < eps2 }) { continue }
            out.append(x)
        }
        if loop, out.count > 1, dot(out[0] - out[out.count - 1], out[0] - out[out.count - 1]) < eps2 { out.removeLast() }
        return out
    }

    /// Orders coplanar points of a convex polygon around their centroid.
    static func orderedLoop(_ p: [Vec3], normal n: Vec3) -> [Vec3] {
        guard p.count >= 3 else { return p }
        let c = p.reduce(Vec3.zero, +) / Double(p.count)
        let seed = abs(n.x) < 0.9 ? Vec3(1, 0, 0) : Vec3(0, 1, 0)
        let a = cross(n, seed), u = a / norm(a), w = cross(n, u)
        return p.map { ($0, atan2(dot($0 - c, w), dot($0 - c, u))) }.sorted { $0.1 < $1.1 }.map(\.0)
    }
}
