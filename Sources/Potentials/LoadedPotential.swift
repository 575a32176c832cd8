/// A potential ready to judge with: its name, its calculator, and whether its energies need the
/// MP2020 corrections before they meet MP's hull.
public struct LoadedPotential: Sendable {
    /// The registry name (`PotentialModel.rawValue`), e.g. "chgnet"; a test's own name otherwise.
    public var name: String
    public var calculator: any Calculator
    /// Add the MP2020 corrections to its energies before placing them on the hull (a model trained
    /// on raw GGA/GGA+U energies); false for a model that already predicts corrected ones.
    public var mp2020Corrections: Bool

    public init(name: String, calculator: any Calculator, mp2020Corrections: Bool) {
        self.name = name
        self.calculator = calculator
        self.mp2020Corrections = mp2020Corrections
    }

    /// `model` with its bundled weights, or with `calculator` when given (an already loaded one).
    public init(_ model: PotentialModel, calculator: (any Calculator)? = nil) throws {
        self.init(name: model.rawValue, calculator: try calculator ?? model.load(),
                  mp2020Corrections: !model.energiesIncludeMP2020Corrections)
    }

    /// Name and version for provenance, e.g. "chgnet (CHGNet 0.3.0)".
    public var label: String { "\(name) (\(calculator.name))" }
}
