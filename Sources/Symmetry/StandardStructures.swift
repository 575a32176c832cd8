import Crystal
import Foundation

/// pymatgen's standard conventional and primitive cells, which follow Setyawan & Curtarolo,
/// Comput. Mater. Sci. 49, 299 (2010), rather than spglib's International Tables settings:
/// axes are sorted by length where the symmetry allows, C-centring is kept (A is turned into C),
/// trigonal R cells are shown on hexagonal axes, monoclinic cells have β as the non-right angle
/// (with `internationalMonoclinic`), and triclinic cells are LLL-reduced with all-acute or
/// all-obtuse reciprocal angles.
extension SpacegroupAnalyzer {
    /// pymatgen's `get_conventional_standard_structure`, sites in pymatgen's order.
    public func conventionalStandardStructure(internationalMonoclinic: Bool = true) throws -> Structure {
        var refined = try refinedStructure()
        let lattice = refined.lattice
        let lengths = [lattice.a, lattice.b, lattice.c]
        let symbol = spaceGroupSymbol
        var transform = Matrix3.zero
        var newMatrix: Matrix3

        /// Axis indices ordered by length, ties kept in order (Python's stable sort).
        func byLength(_ axes: [Int]) -> [Int] {
            axes.sorted { (lengths[$0], $0) < (lengths[$1], $1) }
        }
        func selectRows(_ order: [Int]) {
            for (row, axis) in order.enumerated() { transform[row, axis] = 1 }
        }

        switch latticeType {
        case .orthorhombic, .cubic:
            let (a, b, c): (Double, Double, Double)
            if symbol.hasPrefix("C") {
                transform[2] = Vec3(0, 0, 1)
                let order = byLength([0, 1])
                selectRows(order)
                (a, b, c) = (lengths[order[0]], lengths[order[1]], lengths[2])
            } else if symbol.hasPrefix("A") {
                transform[2] = Vec3(1, 0, 0)
                let order = byLength([1, 2])
                selectRows(order)
                (a, b, c) = (lengths[order[0]], lengths[order[1]], lengths[0])
            } else {
                let order = byLength([0, 1, 2])
                selectRows(order)
                (a, b, c) = (lengths[order[0]], lengths[order[1]], lengths[order[2]])
            }
            newMatrix = .diagonal(a, b, c)

        case .tetragonal:
            let order = byLength([0, 1, 2])
            selectRows(order)
            var (a, b, c) = (lengths[order[0]], lengths[order[1]], lengths[order[2]])
            let tol = 1e-5
            if abs(b - c) < tol && tol < abs(a - c) {
                swap(&a, &c)
                transform = Matrix3([[0, 0, 1], [0, 1, 0], [1, 0, 0]]) * transform
            }
            newMatrix = .diagonal(a, a, c)

        case .hexagonal, .rhombohedral:
            var a: Double, c: Double, b: Double
            let angles = lattice.angles
            if lengths.allSatisfy({ abs($0 - lattice.a) <= 1e-3 }),
               [angles.x, angles.y, angles.z].allSatisfy({ abs($0 - angles.x) <= 1e-2 }) {
                // A rhombohedral cell: show it on hexagonal axes.
                refined = try refined.supercell(Matrix3([[1, -1, 0], [0, 1, -1], [1, 1, 1]]))
                let l = refined.lattice.lengths
                let s = [l.x, l.y, l.z].sorted()
                (a, b, c) = (s[0], s[1], s[2])
            } else {
                (a, b, c) = (lengths[0], lengths[1], lengths[2])
            }
            if abs(b - c) < 0.001 { swap(&a, &c) }
            newMatrix = Matrix3(Vec3(a / 2, -a * 3.0.squareRoot() / 2, 0), Vec3(a / 2, a * 3.0.squareRoot() / 2, 0),
                                Vec3(0, 0, c))
            transform = .identity

        case .monoclinic:
            (newMatrix, transform) = monoclinicSetting(lattice, centred: symbol.hasPrefix("C"))
            if internationalMonoclinic {
                // Make β, not α, the non-right angle.
                var op = Matrix3([[0, 1, 0], [1, 0, 0], [0, 0, -1]])
                transform = op * transform
                newMatrix = op * newMatrix
                if Lattice(newMatrix).angles.y < 90 {
                    op = .diagonal(-1, -1, 1)
                    transform = op * transform
                    newMatrix = op * newMatrix
                }
            }

        case .triclinic:
            let reduced = refined.lattice.lllReduced().lattice
            refined = Structure(lattice: reduced, sites: refined.sites.map { site in
                var s = site
                s.frac = reduced.fractional(refined.lattice.cartesian(site.frac))
                return s
            }).wrapped
            (newMatrix, transform) = triclinicSetting(reduced)
        }
        let sites = refined.sites.map { site -> Site in
            var s = site
            s.frac = transform * site.frac
            return s
        }
        return sortedLikePymatgen(Structure(lattice: Lattice(newMatrix), sites: sites).wrapped)
    }

    /// pymatgen's `get_primitive_standard_structure`: the standard conventional cell reduced by
    /// `conventionalToPrimitiveMatrix`, with rhombohedral cells reoriented as in Setyawan & Curtarolo.
    public func primitiveStandardStructure(internationalMonoclinic: Bool = true) throws -> Structure {
        let conventional = try conventionalStandardStructure(internationalMonoclinic: internationalMonoclinic)
        if spaceGroupSymbol.hasPrefix("P") { return conventional }
        var lattice = Lattice(conventionalToPrimitiveMatrix * conventional.lattice.matrix)
        var sites: [Site] = []
        for site in conventional.sites {
            var s = site
            s.frac = lattice.fractional(conventional.lattice.cartesian(site.frac))
            s.frac -= s.frac.rounded(.down)
            let duplicate = sites.contains { other in
                guard other.occupancy == s.occupancy else { return false }
                let d = other.frac - s.frac
                let r = d - d.rounded(.toNearestOrEven)
                return max(abs(r.x), abs(r.y), abs(r.z)) <= 1e-8
            }
            if !duplicate { sites.append(s) }
        }
        if spaceGroupSymbol.hasPrefix("R") {
            let a = lattice.a
            let alpha = lattice.angles.x * .pi / 180
            let cosFraction = cos(alpha) / cos(alpha / 2)
            lattice = Lattice(Matrix3(Vec3(a * cos(alpha / 2), -a * sin(alpha / 2), 0),
                                      Vec3(a * cos(alpha / 2), a * sin(alpha / 2), 0),
                                      Vec3(a * cosFraction, 0, a * (1 - cosFraction * cosFraction).squareRoot())))
        }
        return Structure(lattice: lattice, sites: sites)
    }

    /// pymatgen's `get_conventional_to_primitive_transformation_matrix`: rows give the primitive
    /// vectors in terms of the standard conventional ones (C-centred for C and A groups).
    public var conventionalToPrimitiveMatrix: Matrix3 {
        let symbol = spaceGroupSymbol
        if symbol.hasPrefix("R") { return Matrix3([[2, 1, 1], [-1, 1, 1], [-1, -2, 1]]) * (1.0 / 3) }
        if symbol.hasPrefix("I") { return Matrix3([[-1, 1, 1], [1, -1, 1], [1, 1, -1]]) * 0.5 }
        if symbol.hasPrefix("F") { return Matrix3([[0, 1, 1], [1, 0, 1], [1, 1, 0]]) * 0.5 }
        if symbol.hasPrefix("C") || symbol.hasPrefix("A") {
            return crystalSystem == .monoclinic
                ? Matrix3([[1, 1, 0], [-1, 1, 0], [0, 0, 2]]) * 0.5
                : Matrix3([[1, -1, 0], [1, 1, 0], [0, 0, 2]]) * 0.5
        }
        return .identity
    }
}

/// pymatgen's monoclinic axis choice (before the international-convention swap): α is the
/// non-right angle, b < c for primitive cells, and the C-centring axis stays third.
/// Where several axis orders qualify, the last one in itertools order wins, as in pymatgen.
private func monoclinicSetting(_ lattice: Lattice, centred: Bool) -> (matrix: Matrix3, transform: Matrix3) {
    let m = lattice.matrix
    let lengths = [lattice.a, lattice.b, lattice.c]
    func alphaSetting(_ a: Double, _ b: Double, _ c: Double, _ alphaDegrees: Double) -> Matrix3 {
        let alpha = alphaDegrees * .pi / 180
        return Matrix3(Vec3(a, 0, 0), Vec3(0, b, 0), Vec3(0, c * cos(alpha), c * sin(alpha)))
    }
    var transform = Matrix3.zero
    var result: Matrix3?
    if centred {
        transform[2] = Vec3(0, 0, 1)
        let order = [0, 1].sorted { (lengths[$0], $0) < (lengths[$1], $1) }
        for (p0, p1) in [(0, 1), (1, 0)] {
            let l = Lattice(Matrix3(m[p0], m[p1], m[2]))
            if abs(l.angles.x - 90) <= 1e-10 { continue }
            transform = .zero
            transform[2, 2] = 1
            let chosen = l.angles.x > 90 ? Lattice(Matrix3(-m[p0], -m[p1], m[2])) : l
            let sign: Double = l.angles.x > 90 ? -1 : 1
            transform[0, p0] = sign
            transform[1, p1] = sign
            result = alphaSetting(chosen.a, chosen.b, chosen.c, chosen.angles.x)
        }
        if let result { return (result, transform) }
        for (row, axis) in order.enumerated() { transform[row, axis] = 1 }
        return (.diagonal(lengths[order[0]], lengths[order[1]], lengths[2]), transform)
    }
    for p in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
        let l = Lattice(Matrix3(m[p[0]], m[p[1]], m[p[2]]))
        if abs(l.angles.x - 90) <= 1e-10 || l.b >= l.c { continue }
        transform = .zero
        transform[2, p[2]] = 1
        let chosen = l.angles.x > 90 ? Lattice(Matrix3(-m[p[0]], -m[p[1]], m[p[2]])) : l
        let sign: Double = l.angles.x > 90 ? -1 : 1
        transform[0, p[0]] = sign
        transform[1, p[1]] = sign
        result = alphaSetting(chosen.a, chosen.b, chosen.c, chosen.angles.x)
    }
    if let result { return (result, transform) }
    let order = [0, 1, 2].sorted { (lengths[$0], $0) < (lengths[$1], $1) }
    for (row, axis) in order.enumerated() { transform[row, axis] = 1 }
    return (Matrix3(m[order[0]], m[order[1]], m[order[2]]), transform)
}

/// pymatgen's triclinic orientation of an LLL-reduced lattice: the last of four sign choices whose
/// reciprocal angles are all ≤ 90° or all > 90°.
private func triclinicSetting(_ lattice: Lattice) -> (matrix: Matrix3, transform: Matrix3) {
    let (a, b, c) = (lattice.a, lattice.b, lattice.c)
    let angles = lattice.angles * (.pi / 180)
    let (ca, cb, cg, sg) = (cos(angles.x), cos(angles.y), cos(angles.z), sin(angles.z))
    let cz = c * (sg * sg - ca * ca - cb * cb + 2 * ca * cb * cg).squareRoot() / sg
    let cy = c * (ca - cb * cg) / sg
    let candidates: [(Matrix3, Matrix3)] = [
        (Matrix3(Vec3(a, 0, 0), Vec3(b * cg, b * sg, 0), Vec3(c * cb, cy, cz)), .identity),
        (Matrix3(Vec3(-a, 0, 0), Vec3(b * cg, b * sg, 0), Vec3(-c * cb, -cy, -cz)), .diagonal(-1, 1, -1)),
        (Matrix3(Vec3(-a, 0, 0), Vec3(-b * cg, -b * sg, 0), Vec3(c * cb, cy, cz)), .diagonal(-1, -1, 1)),
        (Matrix3(Vec3(a, 0, 0), Vec3(-b * cg, -b * sg, 0), Vec3(-c * cb, -cy, -cz)), .diagonal(1, -1, -1)),
    ]
    var chosen = (lattice.matrix, Matrix3.identity)
    for (matrix, transform) in candidates {
        let r = Lattice(matrix).reciprocal.angles
        let all = [r.x, r.y, r.z]
        if all.allSatisfy({ $0 <= 90 }) || all.allSatisfy({ $0 > 90 }) { chosen = (matrix, transform) }
    }
    return chosen
}

extension Matrix3 {
    static let zero = Matrix3(Vec3(repeating: 0), Vec3(repeating: 0), Vec3(repeating: 0))

    static func diagonal(_ x: Double, _ y: Double, _ z: Double) -> Matrix3 {
        Matrix3(Vec3(x, 0, 0), Vec3(0, y, 0), Vec3(0, 0, z))
    }
}
