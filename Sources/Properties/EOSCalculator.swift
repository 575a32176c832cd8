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
public struct EOSCalculator: Sendable {
    public var calculator: any Calculator
    public var maxAbsStrain = 0.1
    public var pointCount = 11
    public var fmax = 0.1
    public var allowShapeChange = true
    public var relaxStructure = true

    public init(calculator: any Calculator) { self.calculator = calculator }

    public struct Result: Sendable {
        /// Volumes (Å³) and total energies (eV) of the scan, by increasing volume.
        public var volumes: [Double]
        public var energies: [Double]
        public var fit: BirchMurnaghanFit
        /// The structure the scan started from (relaxed when `relaxStructure`).
        public var structure: Structure
    }

    public func calculate(_ structure: Structure) throws -> Result {
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
        let volumes = points.map(\.0), energies = points.map(\.1)
        return Result(volumes: volumes, energies: energies,
                      fit: try BirchMurnaghanFit(volumes: volumes, energies: energies), structure: start)
    }
}
