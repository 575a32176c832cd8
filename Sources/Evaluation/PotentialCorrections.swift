import Potentials
import Thermo

extension HullService.Corrections {
    /// The corrections `potential`'s energies need on MP's hull.
    public init(_ potential: LoadedPotential) { self = potential.mp2020Corrections ? .mp2020 : .none }
}
