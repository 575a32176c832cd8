import Crystal
import KilnSupport
import Potentials

/// The elastic tensor of a structure from stress–strain with any calculator, the way matcalc's
/// `ElasticityCalc` (0.7.0) does it with pymatgen's `DeformedStructureSet`:
///
/// 1. the structure is relaxed first (cell and ions, FIRE, `fmax`), and refused if that does not
///    converge;
/// 2. each normal strain εₖₖ ∈ `normStrains` (k = x, y, z) and each shear strain εᵢⱼ = εⱼᵢ ∈
///    `shearStrains` (xy, xz, yz) is a Green–Lagrange strain E; the cell is deformed by the upper
///    Cholesky factor F of 2E + I (each lattice vector a → F a, fractional coordinates kept);
/// 3. with `relaxIons` the ions are relaxed in each deformed cell (fixed cell, `fmax`), which
///    matcalc does only with `relax_deformed_structures=True`: Kiln relaxes by default, since
///    internal strain matters in any cell with free coordinates;
/// 4. for each Voigt strain component i the stresses (ASE's sign, GPa) of its strains and the
///    unstrained stress at zero strain are fitted with a straight line per stress component j;
///    the slope is cᵢⱼ (matcalc's `use_equilibrium=True` fit, `numpy.polyfit` of degree 1).
///
/// Defaults are matcalc's: normal strains ±0.5 % and ±1 %, shear strains ±3 % and ±6 % (tensor
/// components; engineering shear strains twice that), fmax 0.1 eV/Å, at most 500 steps.
public struct ElasticCalculator: Sendable {
    public var calculator: any Calculator
    public var normStrains: [Double] = [-0.01, -0.005, 0.005, 0.01]
    public var shearStrains: [Double] = [-0.06, -0.03, 0.03, 0.06]
    /// Force threshold of every relaxation (eV/Å).
    public var fmax = 0.1
    /// Relax cell and ions before deforming.
    public var relaxStructure = true
    /// Relax the ions in each deformed cell.
    public var relaxIons = true

    public init(calculator: any Calculator) { self.calculator = calculator }

    /// The fitted tensor and the structure it belongs to (relaxed when `relaxStructure`).
    public struct Result: Sendable {
        public var tensor: ElasticTensor
        public var structure: Structure
    }

    public func calculate(_ structure: Structure) throws -> Result {
        guard !normStrains.isEmpty, !shearStrains.isEmpty, !(normStrains + shearStrains).contains(0) else {
            throw PropertyError.undefined("strain lists must be non-empty and free of zeros")
        }
        let start = relaxStructure
            ? try relaxed(structure, with: matcalcRelaxer(calculator, cell: .full, fmax: fmax), what: "pre-relaxation").structure
            : structure
        let cases = Self.strainCases(normal: normStrains, shear: shearStrains)
        let ionRelaxer = matcalcRelaxer(calculator, cell: .fixed, fmax: fmax)
        let stresses = try WorkQueue.map(cases.count) { (k: Int) throws(PropertyError) -> [Double] in
            do {
                var deformed = start
                deformed.lattice = Lattice(start.lattice.matrix * cases[k].deformation.transpose)
                if relaxIons {
                    deformed = try relaxed(deformed, with: ionRelaxer, what: "ion relaxation at strain \(k + 1)").structure
                }
                return try stressVoigt(deformed)
            } catch let e as PropertyError { throw e } catch {
                throw PropertyError.undefined("\(calculator.name) failed on a strained \(structure.formula): \(error)")
            }
        }
        let equilibrium = try stressVoigt(start)
        var c = [[Double]](repeating: [Double](repeating: 0, count: 6), count: 6)
        for i in 0..<6 {
            let members = cases.indices.filter { cases[$0].component == i }
            let x = members.map { cases[$0].strain } + [0]
            for j in 0..<6 {
                c[i][j] = LeastSquares.slope(x: x, y: members.map { stresses[$0][j] } + [equilibrium[j]])
            }
        }
        return Result(tensor: ElasticTensor(voigt: c), structure: start)
    }

    /// The stress of `structure` in Voigt order (GPa, ASE's sign).
    private func stressVoigt(_ structure: Structure) throws -> [Double] {
        guard let s = try calculator.calculate(structure, properties: [.energy, .stress]).stress else {
            throw PropertyError.undefined("\(calculator.name) gives no stress")
        }
        return Self.voigtIndices.map { s[$0.0, $0.1] }
    }

    /// Voigt order: xx, yy, zz, yz, xz, xy.
    static let voigtIndices = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]

    /// One applied strain: the deformation gradient, its Voigt component and its Voigt value
    /// (engineering shear strain for shear components), in `DeformedStructureSet`'s order.
    struct StrainCase {
        var deformation: Matrix3
        var component: Int
        var strain: Double
    }

    static func strainCases(normal: [Double], shear: [Double]) -> [StrainCase] {
        var cases: [StrainCase] = []
        for (index, amounts) in [((0, 0), normal), ((1, 1), normal), ((2, 2), normal),
                                 ((0, 1), shear), ((0, 2), shear), ((1, 2), shear)] {
            for amount in amounts {
                var e = [[Double]](repeating: [0, 0, 0], count: 3)
                e[index.0][index.1] = amount
                e[index.1][index.0] = amount
                let f = upperCholesky((0..<3).map { i in (0..<3).map { j in 2 * e[i][j] + (i == j ? 1 : 0) } })
                let component = voigtIndices.firstIndex { $0 == (min(index.0, index.1), max(index.0, index.1)) }!
                cases.append(StrainCase(deformation: Matrix3(f), component: component,
                                        strain: index.0 == index.1 ? amount : 2 * amount))
            }
        }
        return cases
    }

    /// U with A = UᵀU for a symmetric positive-definite 3×3 A (scipy's `cholesky`, upper).
    static func upperCholesky(_ a: [[Double]]) -> [[Double]] {
        var u = [[Double]](repeating: [0, 0, 0], count: 3)
        for i in 0..<3 {
            u[i][i] = (a[i][i] - (0..<i).reduce(0) { $0 + u[$1][i] * u[$1][i] }).squareRoot()
            for j in (i + 1)..<3 {
                u[i][j] = (a[i][j] - (0..<i).reduce(0) { $0 + u[$1][i] * u[$1][j] }) / u[i][i]
            }
        }
        return u
    }

}
