import Crystal
import Potentials

extension LoadedPotential {
    /// `calculator` as a campaign's potential outside the registry, its energies used uncorrected.
    static func test(_ calculator: any Calculator, name: String = "test") -> LoadedPotential {
        LoadedPotential(name: name, calculator: calculator, mp2020Corrections: false)
    }
}
