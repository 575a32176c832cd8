import CSpglib
import Crystal
import Foundation

/// A structure in spglib's layout: lattice vectors as columns, fractional positions, integer types.
/// Sites are typed by their occupancy: ordered structures whose species carry distinct elements
/// use the atomic number (as spglib's own tools do), anything else numbers the distinct
/// occupancies 1, 2, … in order of first appearance.
struct SpglibCell {
    /// `lattice[i]` holds the i-th Cartesian component of a, b and c (spglib's `double[3][3]`).
    var lattice: [(Double, Double, Double)]
    var positions: [(Double, Double, Double)]
    var types: [Int32]
    /// What each type number stands for, to turn spglib's output back into sites.
    var occupancyOfType: [Int32: [Site.SpeciesOccupancy]]

    init(_ structure: Structure) throws {
        guard structure.count > 0 else { throw SymmetryError.invalidInput("the structure has no sites") }
        let m = structure.lattice.matrix
        let volume = m.determinant
        guard volume.isFinite, abs(volume) > 1e-10 else {
            throw SymmetryError.invalidInput("the lattice is singular (volume \(volume) Å³)")
        }
        lattice = (0..<3).map { i in (m[0][i], m[1][i], m[2][i]) }
        positions = []
        positions.reserveCapacity(structure.count)
        for (k, site) in structure.sites.enumerated() {
            let f = site.frac
            guard f.x.isFinite, f.y.isFinite, f.z.isFinite else {
                throw SymmetryError.invalidInput("site \(k) has a non-finite coordinate")
            }
            positions.append((f.x, f.y, f.z))
        }
        var distinct: [[Site.SpeciesOccupancy]] = []
        var index: [[Site.SpeciesOccupancy]: Int32] = [:]
        var siteKinds: [Int32] = []
        siteKinds.reserveCapacity(structure.count)
        for site in structure.sites {
            if let t = index[site.occupancy] { siteKinds.append(t); continue }
            distinct.append(site.occupancy)
            let t = Int32(distinct.count)
            index[site.occupancy] = t
            siteKinds.append(t)
        }
        let elements = distinct.map { $0.count == 1 && abs($0[0].occupancy - 1) < 1e-8 ? $0[0].species.element : nil }
        if elements.allSatisfy({ $0 != nil }), Set(elements.map { $0!.z }).count == elements.count {
            types = siteKinds.map { Int32(elements[Int($0) - 1]!.z) }
            occupancyOfType = Dictionary(uniqueKeysWithValues: distinct.enumerated().map {
                (Int32(elements[$0.offset]!.z), $0.element)
            })
        } else {
            types = siteKinds
            occupancyOfType = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { (Int32($0.offset + 1), $0.element) })
        }
    }

    var count: Int { types.count }

    /// Rebuilds a structure from spglib's column-lattice, positions and types.
    func structure(lattice cols: [(Double, Double, Double)], positions: ArraySlice<(Double, Double, Double)>,
                   types: ArraySlice<Int32>) -> Structure {
        let rows = Matrix3(Vec3(cols[0].0, cols[1].0, cols[2].0), Vec3(cols[0].1, cols[1].1, cols[2].1),
                           Vec3(cols[0].2, cols[1].2, cols[2].2))
        let sites = zip(positions, types).map { p, t in
            Site(occupancy: occupancyOfType[t]!, frac: Vec3(p.0, p.1, p.2))
        }
        return Structure(lattice: Lattice(rows), sites: sites)
    }
}

/// spglib keeps its last error in a process-wide variable, so calls are serialized.
let spglibLock = NSLock()

/// The error spglib recorded for the call that just failed (call with `spglibLock` held).
func spglibError() -> SymmetryError {
    let code = spg_get_error_code()
    let message = spg_get_error_message(code).map { String(cString: $0) } ?? "unknown error"
    return .spglib(code: Int(code.rawValue), message: message)
}

/// Validates tolerances before they reach spglib.
func checkTolerances(symprec: Double, angleTolerance: Double) throws {
    guard symprec.isFinite, symprec > 0 else {
        throw SymmetryError.invalidInput("symprec must be a positive number, got \(symprec)")
    }
    guard angleTolerance.isFinite, angleTolerance != 0 else {
        throw SymmetryError.invalidInput("angle tolerance must be positive (degrees) or negative (spglib's built-in check), got \(angleTolerance)")
    }
}
