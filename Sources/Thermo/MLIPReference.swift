import Crystal
import Foundation

/// Reference phases relaxed with one potential, for `HullService`'s `.mlip` reference: the bundled
/// MP structures of some chemical systems, each with its relaxed total energy (or why it has none).
///
/// On this reference every energy comes from the potential, the elements' included: an element's
/// reference energy is the lowest energy per atom (after the correction `HullService` applies) of
/// its relaxed pure-element phases, so candidates, compounds and elements stand on one scale.
public struct MLIPReference: Sendable {
    /// One bundled MP structure after relaxation.
    public struct Phase: Sendable, Codable, Equatable {
        /// MP material id of the bundled structure.
        public var id: String
        /// The cell's formula with its atom counts (`Composition.formula`, e.g. "Li4 O2").
        public var formula: String
        /// Total energy of the relaxed cell (eV); nil when the relaxation failed.
        public var energy: Double?
        /// `converged`, `not_converged`, `failed` or `error`.
        public var outcome: String
        /// Why it failed, when it did.
        public var error: String?

        public init(id: String, formula: String, energy: Double?, outcome: String, error: String? = nil) {
            self.id = id
            self.formula = formula
            self.energy = energy
            self.outcome = outcome
            self.error = error
        }
    }

    /// The potential and relaxation settings, e.g. "CHGNet 0.3.0, fmax 0.05, ≤ 500 steps".
    public var model: String
    /// Every structure considered, in input order; failed ones carry no energy and are left out of the hull.
    public var phases: [Phase]
    /// How much of the MP reference of the same systems these structures cover, in words (for
    /// provenance); nil when not measured.
    public var coverage: String?

    public init(model: String, phases: [Phase], coverage: String? = nil) {
        self.model = model
        self.phases = phases
        self.coverage = coverage
    }

    /// The phases with an energy, as compositions and total energies (eV).
    func usable() throws -> [(phase: Phase, composition: Composition, energy: Double)] {
        try phases.compactMap { p in
            guard let e = p.energy else { return nil }
            let c: Composition
            do { c = try Composition(p.formula) } catch {
                throw ThermoError.invalidEntry(id: p.id, reason: "formula '\(p.formula)' cannot be read")
            }
            return (p, c, e)
        }
    }
}
