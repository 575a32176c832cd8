import Crystal
import Foundation

/// eV/Å³ per GPa (ASE's `units.GPa`).
public let eVPerCubicAngstromPerGPa = 1 / PhysicalConstants.eVPerCubicÅngströmInGPa

/// Which cell degrees of freedom a relaxation may change.
public enum CellRelaxation: String, Sendable, CaseIterable {
    /// Atoms only; the lattice stays as given.
    case fixed
    /// Atoms and all six strain components (ASE's FrechetCellFilter).
    case full
    /// Atoms and cell shape at constant volume (FrechetCellFilter with `constant_volume`).
    case fixedVolume = "fixed-volume"
    /// Atoms and a uniform scaling of the cell (FrechetCellFilter with `hydrostatic_strain`).
    case hydrostatic
}

/// The generalized coordinates of a relaxation, with ASE's FrechetCellFilter semantics.
///
/// Coordinates are one row of three numbers per atom followed, when the cell relaxes, by three
/// rows holding `expCellFactor · log F`, F being the deformation gradient from the starting cell
/// (cell = cell₀ · Fᵀ). Atom rows are the positions in the undeformed cell, rᵢ · F⁻ᵀ, so the
/// fractional coordinates are simply rowᵢ · cell₀⁻¹. Generalized forces are −∂(E + pV)/∂x:
/// fᵢ · F for the atoms and, for the cell, the derivative through exp (its Fréchet derivative)
/// of the virial −V(σ + p), divided by `expCellFactor` so stress and forces share units.
/// ASE stores `log(n·F)` instead of `log F`; the constant offset changes no step.
public struct FrechetCellFilter: Sendable {
    public let cell: CellRelaxation
    /// Hydrostatic pressure (GPa) added as a pV term.
    public let pressure: Double
    /// Scale of the cell coordinates; ASE's default is the number of atoms.
    public let expCellFactor: Double
    /// The starting structure, which defines cell₀ and the species.
    public let reference: Structure

    public init(reference: Structure, cell: CellRelaxation = .full, pressure: Double = 0,
                expCellFactor: Double? = nil) {
        self.reference = reference
        self.cell = cell
        self.pressure = pressure
        self.expCellFactor = expCellFactor ?? Double(reference.count)
    }

    /// Number of coordinate rows (atoms, plus three cell rows when the cell relaxes).
    public var rows: Int { reference.count + (cell == .fixed ? 0 : 3) }

    /// Coordinates of the reference structure (Cartesian positions, zero cell log-strain).
    public var initialCoordinates: [Double] {
        var x = [Double](repeating: 0, count: 3 * rows)
        for (i, site) in reference.sites.enumerated() {
            let r = reference.lattice.cartesian(site.frac)
            x[3 * i] = r.x; x[3 * i + 1] = r.y; x[3 * i + 2] = r.z
        }
        return x
    }

    /// The deformation gradient F at coordinates x (identity for a fixed cell).
    public func deformation(_ x: [Double]) -> Matrix3 {
        guard cell != .fixed else { return .identity }
        return MatrixExponential.exp(logDeformation(x))
    }

    private func logDeformation(_ x: [Double]) -> Matrix3 {
        let o = 3 * reference.count, s = 1 / expCellFactor
        return Matrix3(Vec3(x[o], x[o + 1], x[o + 2]) * s, Vec3(x[o + 3], x[o + 4], x[o + 5]) * s,
                       Vec3(x[o + 6], x[o + 7], x[o + 8]) * s)
    }

    /// The structure at coordinates x.
    public func structure(_ x: [Double]) -> Structure {
        let cell0 = reference.lattice.matrix
        let lattice = cell == .fixed ? reference.lattice : Lattice(cell0 * deformation(x).transpose)
        var sites = reference.sites
        let inv = reference.lattice.inverse
        for i in sites.indices { sites[i].frac = Vec3(x[3 * i], x[3 * i + 1], x[3 * i + 2]) * inv }
        return Structure(lattice: lattice, sites: sites)
    }

    /// Generalized forces (flat rows) at coordinates x from the Cartesian forces (eV/Å) and
    /// stress (GPa, ASE sign) of the structure at x.
    public func forces(_ x: [Double], atomForces: [Vec3], stress: Matrix3?, volume: Double) -> [Double] {
        var g = [Double](repeating: 0, count: 3 * rows)
        let f = deformation(x)
        for (i, fi) in atomForces.enumerated() {
            let v = cell == .fixed ? fi : fi * f
            g[3 * i] = v.x; g[3 * i + 1] = v.y; g[3 * i + 2] = v.z
        }
        guard cell != .fixed else { return g }
        let sigma = (stress ?? Matrix3(.zero, .zero, .zero)) * eVPerCubicAngstromPerGPa
            + Matrix3.identity * (pressure * eVPerCubicAngstromPerGPa)
        var virial = sigma * -volume
        if cell == .hydrostatic {
            let t = (virial[0, 0] + virial[1, 1] + virial[2, 2]) / 3
            virial = Matrix3.identity * t
        }
        let unitCellGradient = virial * f.transpose.inverse
        // Σ L(A, E_μν) ∘ G over every direction is the adjoint Fréchet derivative L(Aᵀ, G).
        var logForce = MatrixExponential.frechet(logDeformation(x).transpose, direction: unitCellGradient)
        if cell == .fixedVolume {
            let t = (logForce[0, 0] + logForce[1, 1] + logForce[2, 2]) / 3
            for k in 0..<3 { logForce[k, k] -= t }
        }
        let o = 3 * reference.count
        for r in 0..<3 {
            for c in 0..<3 { g[o + 3 * r + c] = logForce[r, c] / expCellFactor }
        }
        return g
    }

    /// Energy plus the pV term (eV), what the filter minimizes.
    public func enthalpy(energy: Double, volume: Double) -> Double {
        cell == .fixed ? energy : energy + pressure * eVPerCubicAngstromPerGPa * volume
    }
}

/// Largest Euclidean norm over the rows of three of a flat vector (ASE's `gradient_norm`).
func maxRowNorm(_ v: [Double]) -> Double {
    var best = 0.0
    var i = 0
    while i + 2 < v.count {
        let n = (v[i] * v[i] + v[i + 1] * v[i + 1] + v[i + 2] * v[i + 2]).squareRoot()
        if !(n <= best) { best = n }  // NaN propagates
        i += 3
    }
    return best
}
