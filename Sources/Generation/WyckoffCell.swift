import Crystal
import Foundation
import Symmetry

/// A crystal in a symmetry-constrained parameterisation: a `Template` (space group and the Wyckoff
/// orbit of every atom group) and a vector of continuous parameters — the lattice parameters the
/// crystal system leaves free, then the free coordinates of each orbit. Every vector gives a
/// structure with the group's symmetry (`structure`); `init(template:structure:)` reads the vector
/// back from a structure built in the same template (e.g. after a relaxation that kept its sites).
public struct WyckoffCell: Sendable, Hashable {
    /// What one entry of the parameter vector is.
    public enum Parameter: Sendable, Hashable {
        /// A cell edge (Å).
        case length
        /// A cell angle (degrees).
        case angle
        /// A free fractional coordinate of an orbit (periodic with period 1).
        case coordinate
    }

    /// A space group and the Wyckoff positions occupied by each element.
    public struct Template: Sendable, Hashable {
        /// One occupied orbit: an element (index into `elements`) on a position (index into the group's positions).
        struct Orbit: Hashable {
            let element: Int
            let position: Int
        }

        public let spaceGroup: Int
        /// The elements, in the order their orbits come.
        public let elements: [Element]
        let orbits: [Orbit]
        let table: WyckoffTable

        /// What each entry of a parameter vector of this template is.
        public let parameters: [Parameter]

        public static func == (a: Template, b: Template) -> Bool {
            a.spaceGroup == b.spaceGroup && a.elements == b.elements && a.orbits == b.orbits
        }

        public func hash(into h: inout Hasher) {
            h.combine(spaceGroup)
            h.combine(elements)
            h.combine(orbits)
        }

        init(table: WyckoffTable, elements: [Element], assignment: [[Int]]) {
            self.table = table
            spaceGroup = table.number
            self.elements = elements
            orbits = assignment.enumerated().flatMap { e, ps in ps.map { Orbit(element: e, position: $0) } }
            let lattice: [Parameter] = switch table.crystalSystem {
            case .triclinic: [.length, .length, .length, .angle, .angle, .angle]
            case .monoclinic: [.length, .length, .length, .angle]
            case .orthorhombic: [.length, .length, .length]
            case .tetragonal, .trigonal, .hexagonal: [.length, .length]
            case .cubic: [.length]
            }
            parameters = lattice + orbits.flatMap { o in
                Self.freeAxes(table.positions[o.position]).map { _ in Parameter.coordinate }
            }
        }

        /// The template of provenance labels such as ["Li 4a", "O 8c"] (as `wyckoffPositions` writes them).
        public init(spaceGroup: Int, wyckoffPositions: [String]) throws {
            let table = try WyckoffTable.group(spaceGroup)
            var elements: [Element] = []
            var assignment: [[Int]] = []
            for label in wyckoffPositions {
                let parts = label.split(separator: " ")
                guard parts.count == 2, let element = try? Element(String(parts[0])),
                      let p = table.positions.firstIndex(where: { "\($0.multiplicity)\($0.letter)" == parts[1] }) else {
                    throw GenerationError.invalidTarget("'\(label)' is not a Wyckoff position of space group \(spaceGroup)")
                }
                if elements.last != element {
                    guard !elements.contains(element) else {
                        throw GenerationError.invalidTarget("the orbits of \(element.symbol) are not consecutive in \(wyckoffPositions)")
                    }
                    elements.append(element)
                    assignment.append([])
                }
                assignment[assignment.count - 1].append(p)
            }
            guard !elements.isEmpty else { throw GenerationError.invalidTarget("no Wyckoff positions given") }
            self.init(table: table, elements: elements, assignment: assignment)
        }

        /// Labels such as ["Li 4a", "O 8c"], one per orbit.
        public var wyckoffPositions: [String] {
            orbits.map { o in
                let w = table.positions[o.position]
                return "\(elements[o.element].symbol) \(w.multiplicity)\(w.letter)"
            }
        }

        /// Number of sites of a structure of this template.
        public var siteCount: Int { orbits.reduce(0) { $0 + table.positions[$1.position].multiplicity } }

        /// The composition of a structure of this template.
        public var composition: Composition {
            var counts = [Double](repeating: 0, count: elements.count)
            for o in orbits { counts[o.element] += Double(table.positions[o.position].multiplicity) }
            return Composition(zip(elements, counts).map { ($0, $1) })
        }

        var latticeCount: Int { parameters.prefix { $0 != .coordinate }.count }

        /// Components of the position's (x, y, z) that its coordinates depend on.
        static func freeAxes(_ w: WyckoffPosition) -> [Int] {
            let r = w.operations[0].rotation
            return (0..<3).filter { j in (0..<3).contains { r[$0, j] != 0 } }
        }

        /// (a, b, c, α, β, γ) from the free lattice parameters (standard setting: unique axis b for
        /// monoclinic, hexagonal axes for trigonal groups).
        func lattice(_ p: ArraySlice<Double>) -> Lattice {
            let p = Array(p)
            switch table.crystalSystem {
            case .triclinic: return Lattice(a: p[0], b: p[1], c: p[2], alpha: p[3], beta: p[4], gamma: p[5])
            case .monoclinic: return Lattice(a: p[0], b: p[1], c: p[2], alpha: 90, beta: p[3], gamma: 90)
            case .orthorhombic: return Lattice(a: p[0], b: p[1], c: p[2], alpha: 90, beta: 90, gamma: 90)
            case .tetragonal: return Lattice(a: p[0], b: p[0], c: p[1], alpha: 90, beta: 90, gamma: 90)
            case .trigonal, .hexagonal: return Lattice(a: p[0], b: p[0], c: p[1], alpha: 90, beta: 90, gamma: 120)
            case .cubic: return Lattice(a: p[0], b: p[0], c: p[0], alpha: 90, beta: 90, gamma: 90)
            }
        }

        /// The free lattice parameters of a cell of this crystal system (edges and angles of a
        /// lattice that lost its symmetry are averaged onto the system).
        func latticeParameters(_ l: Lattice) -> [Double] {
            let (a, b, c) = (l.a, l.b, l.c)
            let angles = l.angles
            switch table.crystalSystem {
            case .triclinic: return [a, b, c, angles.x, angles.y, angles.z]
            case .monoclinic: return [a, b, c, angles.y]
            case .orthorhombic: return [a, b, c]
            case .tetragonal, .trigonal, .hexagonal: return [(a + b) / 2, c]
            case .cubic: return [(a + b + c) / 3]
            }
        }
    }

    public let template: Template
    /// Free lattice parameters, then the free coordinates of each orbit (see `Template.parameters`).
    public var parameters: [Double]

    /// A cell of `template`; `parameters` must have one entry per `template.parameters`.
    public init(template: Template, parameters: [Double]) {
        precondition(parameters.count == template.parameters.count, "WyckoffCell: \(parameters.count) parameters "
            + "for a template of \(template.parameters.count)")
        self.template = template
        self.parameters = parameters
    }

    /// The parameters of `structure` when it has the template's sites in the template's order
    /// (as `structure` builds them): lattice parameters of its cell, free coordinates of each
    /// orbit's first site. Nil when the sites do not correspond.
    public init?(template: Template, structure: Structure) {
        guard structure.count == template.siteCount else { return nil }
        var p = template.latticeParameters(structure.lattice)
        var offset = 0
        for o in template.orbits {
            let w = template.table.positions[o.position]
            guard structure.sites[offset..<offset + w.multiplicity].allSatisfy({ $0.element == template.elements[o.element] }),
                  let x = Self.coordinates(of: structure.sites[offset].frac, on: w) else { return nil }
            p += x
            offset += w.multiplicity
        }
        self.init(template: template, parameters: p)
    }

    /// The free coordinates of `w` that put its first orbit point at `f`: each is read from a row
    /// of the position's first operation that depends on it alone with coefficient ±1.
    private static func coordinates(of f: Vec3, on w: WyckoffPosition) -> [Double]? {
        let op = w.operations[0]
        let free = Template.freeAxes(w)
        var out: [Double] = []
        for j in free {
            guard let row = (0..<3).first(where: { r in
                abs(op.rotation[r, j]) == 1 && free.allSatisfy { $0 == j || op.rotation[r, $0] == 0 }
            }) else { return nil }
            let x = (f[row] - op.translation[row]) * op.rotation[row, j]
            out.append(x - x.rounded(.down))
        }
        return out
    }

    /// The cell's lattice.
    public var lattice: Lattice { template.lattice(parameters.prefix(template.latticeCount)) }

    /// Every orbit's points, in orbit order.
    var orbitPoints: [[Vec3]] {
        var k = template.latticeCount
        return template.orbits.map { o in
            let w = template.table.positions[o.position]
            var x = Vec3.zero
            for j in Template.freeAxes(w) { x[j] = parameters[k]; k += 1 }
            return w.orbit(x)
        }
    }

    /// The crystal: every orbit's sites, in orbit order.
    public var structure: Structure {
        let points = orbitPoints
        let species = zip(template.orbits, points).flatMap { o, pts in Array(repeating: template.elements[o.element], count: pts.count) }
        return Structure(lattice: lattice, species: species, fracCoords: points.flatMap { $0 })
    }

    /// True when no two atoms are closer than `distanceFactor` × the sum of their covalent radii.
    public func isSpaced(distanceFactor: Double) -> Bool {
        var spacing = Spacing(template: template, lattice: lattice, distanceFactor: distanceFactor)
        return zip(template.orbits, orbitPoints).allSatisfy { o, pts in spacing.add(pts, kind: o.element) }
    }

    /// A random cell of `template`: a lattice of its crystal system with the given volume, and every
    /// orbit at random free coordinates (up to `placementTries` draws each) spaced as `isSpaced`
    /// checks; nil when an orbit finds no place.
    public static func random(_ template: Template, volume: Double, distanceFactor: Double, placementTries: Int,
                              rng: inout SeededGenerator) -> WyckoffCell? {
        var p = RandomSymmetricGenerator.randomLattice(template.table.crystalSystem, volume: volume, rng: &rng)
        var spacing = Spacing(template: template, lattice: template.lattice(p[...]), distanceFactor: distanceFactor)
        for o in template.orbits {
            let w = template.table.positions[o.position]
            var placed = false
            for _ in 0..<(w.hasFreedom ? placementTries : 1) {
                let x = Vec3(Double.random(in: 0..<1, using: &rng), Double.random(in: 0..<1, using: &rng),
                             Double.random(in: 0..<1, using: &rng))
                if spacing.add(w.orbit(x), kind: o.element) {
                    p += Template.freeAxes(w).map { x[$0] }
                    placed = true
                    break
                }
            }
            guard placed else { return nil }
        }
        return WyckoffCell(template: template, parameters: p)
    }
}

/// Atoms placed orbit by orbit, each orbit checked against the minimum distances to itself and to
/// those placed before.
private struct Spacing {
    let checker: DistanceChecker
    let dmin: [[Double]]
    var frac: [Vec3] = []
    var kinds: [Int] = []

    init(template: WyckoffCell.Template, lattice: Lattice, distanceFactor: Double) {
        let radii = template.elements.map { $0.covalentRadius ?? $0.atomicRadius ?? 1.5 }
        dmin = radii.map { a in radii.map { b in distanceFactor * (a + b) } }
        checker = DistanceChecker(lattice: lattice, cutoff: dmin.flatMap { $0 }.max()!)
    }

    /// Adds the orbit when it fits; false (and nothing added) otherwise.
    mutating func add(_ orbit: [Vec3], kind: Int) -> Bool {
        guard checker.fits(orbit, kind: kind, existing: frac, kinds: kinds, dmin: dmin) else { return false }
        frac += orbit
        kinds += Array(repeating: kind, count: orbit.count)
        return true
    }
}
