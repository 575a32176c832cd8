import Crystal
import Foundation
import Potentials

/// A calculator that counts its calls and refuses every structure: a campaign run with it relaxes
/// nothing successfully, so tests see exactly which candidates reached relaxation.
final class RefusingCalculator: Calculator, @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var name: String { "refusing test calculator" }
    var calls: Int { lock.withLock { count } }

    func calculate(_ structure: Structure, properties: Properties) throws -> CalculationResult {
        lock.withLock { count += 1 }
        throw CalculatorError.invalidStructure("test calculator: no energies")
    }
}
