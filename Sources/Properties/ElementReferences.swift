import Crystal

/// Element energies µ that put CHGNet's energy per atom on the scale of the training targets'
/// formation energies: the least-squares fit of E_CHGNet/atom − E_f = Σ x_el µ_el over the training
/// materials (x the atomic fractions), so that E_CHGNet/atom − Σ x_el µ_el estimates E_f. The fit
/// absorbs CHGNet's constant offsets per element and the legacy MP corrections, which are per atom
/// of an element as well.
public struct ElementReferences: Sendable, Codable, Equatable {
    public static let featureName = "CHGNet formation energy on fitted element references"

    /// µ (eV/atom) by element symbol.
    public var energies: [String: Double]

    /// Fits µ on `compositions` with CHGNet energies per atom and formation energies per atom
    /// (pairs with either missing or not finite are skipped). A ridge term of 1e-8 of the
    /// diagonal's scale keeps elements that only occur together determined.
    init(compositions: [Composition], energyPerAtom: [Double], formationEnergy: [Double?]) throws {
        var index: [Element: Int] = [:]
        var rows: [(x: [(Int, Double)], y: Double)] = []
        for (c, (e, f)) in zip(compositions, zip(energyPerAtom, formationEnergy)) {
            guard let f, e.isFinite, f.isFinite else { continue }
            let n = c.numAtoms
            let x = c.items.map { el, amount -> (Int, Double) in
                if index[el] == nil { index[el] = index.count }
                return (index[el]!, amount / n)
            }
            rows.append((x, e - f))
        }
        let m = index.count
        guard m > 0 else { throw PropertyError.undefined("no training material has both a CHGNet energy and a formation energy") }
        var ata = [[Double]](repeating: [Double](repeating: 0, count: m), count: m), aty = [Double](repeating: 0, count: m)
        for r in rows {
            for (i, xi) in r.x {
                aty[i] += xi * r.y
                for (j, xj) in r.x { ata[i][j] += xi * xj }
            }
        }
        let ridge = 1e-8 * ((0..<m).map { ata[$0][$0] }.max() ?? 1)
        for i in 0..<m { ata[i][i] += ridge }
        guard let inverse = LeastSquares.inverse(ata) else {
            throw PropertyError.undefined("the element reference fit is singular")
        }
        var energies: [String: Double] = [:]
        for (el, i) in index { energies[el.symbol] = (0..<m).reduce(0) { $0 + inverse[i][$1] * aty[$1] } }
        self.energies = energies
    }

    /// E/atom − Σ x_el µ_el, or nil when an element has no fitted µ.
    func formationEnergy(energyPerAtom e: Double, composition c: Composition) -> Double? {
        let n = c.numAtoms
        var sum = 0.0
        for (el, amount) in c.items {
            guard let mu = energies[el.symbol] else { return nil }
            sum += amount / n * mu
        }
        return e - sum
    }
}
