import Crystal
import Potentials

/// Magnetic moment, magnetic density, mass density and volume per atom of one structure as given
/// (no relaxation), from a calculator's site moments.
///
/// Magnetic density follows MatterGen's `dft_mag_density`: the cell's total magnetization (µB)
/// divided by its volume (Å³), the total magnetization being Materials Project's
/// `total_magnetization` (the magnitude of the net moment). CHGNet predicts site moment
/// magnitudes only (no sign), so the total is Σ|mᵢ|, the ferromagnetic reading.
public struct MagneticSummary: Sendable, Equatable, Codable {
    /// Σ|mᵢ| over the cell (µB).
    public var totalMoment: Double
    /// `totalMoment / volume` (µB/Å³).
    public var magneticDensity: Double
    /// Mass density (g/cm³).
    public var density: Double
    /// Cell volume per site (Å³/atom).
    public var volumePerAtom: Double

    /// Evaluates the site moments of `structure` with `calculator`; throws when the calculator
    /// gives no moments.
    public init(structure: Structure, calculator: any Calculator) throws {
        let m = try calculator.calculate(structure, properties: [.energy, .magmoms]).magmoms
        guard m.count == structure.count else {
            throw PropertyError.undefined("\(calculator.name) gives no magnetic moments for \(structure.formula)")
        }
        self.init(structure: structure, magmoms: m)
    }

    /// The summary for given site moments (µB).
    public init(structure: Structure, magmoms: [Double]) {
        totalMoment = magmoms.reduce(0) { $0 + abs($1) }
        magneticDensity = totalMoment / structure.volume
        density = structure.density
        volumePerAtom = structure.volumePerAtom
    }
}
