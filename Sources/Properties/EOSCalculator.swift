import Foundation
import Crystal
import Potentials

/// An energy–volume curve and its Birch–Murnaghan fit, the way matcalc's `EOSCalc` (0.7.0) does
/// it: the structure is relaxed (cell and ions; refused if that does not converge), then for
/// `pointCount` volumetric strains s evenly spaced in [−`maxAbsStrain`, +`maxAbsStrain`] the
/// cell is scaled to (1 + s)³ V and relaxed at that volume (ions and, with `allowShapeChange`,
/// cell shape). Expansions (s ≥ 0) run in increasing order, each starting from the previous
/// point's relaxed structure; compressions start from the relaxed structure. Energies are
/// totals per cell (eV). Defaults are matcalc's: ±10 %, 11 points, FIRE, fmax 0.1 eV/Å, 500 steps.
/// A fit with R² below `r2Min` is refused (matcalc only warns there that the bulk modulus may be
/// unreliable; such curves come from cells that are not bound in some direction, e.g. a slab
/// with vacuum).
public struct EOSCalculator: Sendable {
    public var calculator: any Calculator
    public var maxAbsStrain = 0.1
    public var pointCount = 11
    public var fmax = 0.1
    public var allowShapeChange = true
    public var relaxStructure = true
    /// Smallest R² of the Birch–Murnaghan fit that is accepted (matcalc's `r2_min`).
    public var r2Min = 0.95

    public init(calculator: any Calculator) { self.calculator = calculator }

    /// The E(V) scan: volumes (Å³) and total energies (eV) by increasing volume, and the
    /// structure it started from (relaxed when `relaxStructure`).
    public struct Scan: Sendable {
        public var volumes: [Double]
        public var energies: [Double]
        public var structure: Structure

        public init(volumes: [Double], energies: [Double], structure: Structure) {
            (self.volumes, self.energies, self.structure) = (volumes, energies, structure)
        }
    }

    public struct Result: Sendable {
        /// Volumes (Å³) and total energies (eV) of the scan, by increasing volume.
        public var volumes: [Double]
        public var energies: [Double]
        public var fit: BirchMurnaghanFit
        /// The structure the scan started from (relaxed when `relaxStructure`).
        public var structure: Structure
    }

    /// The scan and its fit.
    public func calculate(_ structure: Structure) throws -> Result {
        let s = try scan(structure)
        return Result(volumes: s.volumes, energies: s.energies, fit: try fit(s), structure: s.structure)
    }

    /// The Birch–Murnaghan fit of a scan; refused below `r2Min`.
    public func fit(_ scan: Scan) throws -> BirchMurnaghanFit {
        let fit = try BirchMurnaghanFit(volumes: scan.volumes, energies: scan.energies)
        guard fit.r2 >= r2Min else {
            throw PropertyError.fit(String(format: "the Birch–Murnaghan fit of %@ has R² %.3f < %.2f: E(V) is not an equation of state (is the cell bound in every direction?)",
                                           scan.structure.formula, fit.r2, r2Min))
        }
        return fit
    }

    /// The E(V) points, without a fit.
    public func scan(_ structure: Structure) throws -> Scan {
        guard pointCount >= 4, maxAbsStrain > 0, maxAbsStrain < 1 else {
            throw PropertyError.undefined("an E(V) scan needs at least 4 points and a strain range in (0, 1)")
        }
        let start = relaxStructure
            ? try relaxed(structure, with: matcalcRelaxer(calculator, cell: .full, fmax: fmax), what: "pre-relaxation").structure
            : structure
        let relaxer = matcalcRelaxer(calculator, cell: allowShapeChange ? .fixedVolume : .fixed, fmax: fmax)
        let strains = (0..<pointCount).map { -maxAbsStrain + 2 * maxAbsStrain * Double($0) / Double(pointCount - 1) }
        var points: [(Double, Double)] = []
        func point(_ from: Structure, strain: Double) throws -> Structure {
            var s = from
            let scale = Foundation.cbrt(Foundation.pow(1 + strain, 3) * start.volume / from.volume)
            s.lattice = Lattice(from.lattice.matrix * scale)
            let r = try relaxer.relax(s)
            if case .failed(let why) = r.outcome {
                throw PropertyError.relaxation("E(V) point at strain \(strain) of \(structure.formula): \(why)")
            }
            points.append((r.final.structure.volume, r.final.result.energy))
            return r.final.structure
        }
        var previous = start
        for s in strains[(pointCount / 2)...] { previous = try point(previous, strain: s) }
        for s in strains[..<(pointCount / 2)].reversed() { _ = try point(start, strain: s) }
        points.sort { $0.0 < $1.0 }
        return Scan(volumes: points.map(\.0), energies: points.map(\.1), structure: start)
    }
}
