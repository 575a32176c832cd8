import Crystal
import Foundation
import Potentials

extension LoadedPotential {
    /// `calculator` as a campaign's potential outside the registry.
    static func test(_ calculator: any Calculator, name: String = "test", mp2020Corrections: Bool = false) -> LoadedPotential {
        LoadedPotential(name: name, calculator: calculator, mp2020Corrections: mp2020Corrections)
    }
}

/// Another calculator's energies moved by a constant per atom (a committee member whose verdicts
/// differ from its base's by a known amount), counting its calls.
final class ShiftedCalculator: Calculator, @unchecked Sendable {
    let base: any Calculator
    /// eV/atom added to every energy.
    let shift: Double
    private let lock = NSLock()
    private var count = 0

    init(_ base: any Calculator, shift: Double) {
        self.base = base
        self.shift = shift
    }

    var name: String { "\(base.name) \(shift >= 0 ? "+" : "−") \(abs(shift)) eV/atom" }
    var calls: Int { lock.withLock { count } }

    func calculate(_ structure: Structure, properties: Properties) throws -> CalculationResult {
        lock.withLock { count += 1 }
        var r = try base.calculate(structure, properties: properties)
        r.energy += shift * Double(structure.count)
        return r
    }
}
