import Crystal
import Thermo

/// Balanced solid-state reactions from common precursors to a target composition, ranked by reaction
/// energy and by the competition on the way (docs/synthesis.md, "Precursors").
///
/// Precursors come from the bundled list (`PrecursorList`): those made of the target's elements plus
/// C, H, N and O that hold at least one of the target's elements other than O (elements only for
/// targets without oxygen). Every set of one to three of them is balanced exactly against the target,
/// the gases they release and O2 (in or out; with O2 fixed at 0 when the balance is otherwise not
/// unique). Solids take the lowest bundled MP formation energy of their formula plus Bartel et al.'s
/// Gibbs correction at the temperature (`SolidGibbs`), the gases `ReactionGas.freeEnergy(temperature:)`;
/// the target its given formation energy or its own MP ground state, corrected the same way. Competition: for each pair of a route's precursors, the phases of their interface
/// hull (`ReactionCompetition`; O2 counts as a reactant when taken up) that form with a more negative reaction energy per atom than the
/// route's. Routes are ranked first by how many of their precursors air changes on the shelf
/// (`ShelfStability`: more than its tolerance above the ambient-air hull), then by
/// `PrecursorRoute.score` (ΔE per atom + competition depth), fewer competing phases, fewer precursors
/// and the equation's text.
public struct PrecursorRoutes: Sendable {
    /// The synthesis temperature assumed when none is given (K).
    public static let defaultTemperature = 1000.0
    /// Temperatures (K) routes can be ranked at: the range of the solids' Gibbs energies (the elemental
    /// table and pymatgen's use of Bartel's descriptor).
    public static let temperatureRange = 300.0...2000.0
    /// Elements a precursor may bring besides the target's, leaving as gases.
    public static let volatileElements: Set<Element> = Set(["C", "H", "N", "O"].map { try! Element($0) })

    /// The temperature (K) of the reaction free energies.
    public let temperature: Double
    /// The precursors considered.
    public let precursors: [Precursor]
    let gases: [String: ReactionGas]
    let solids: SolidGibbs

    /// Routes at `temperature` (K, 300–2000, the range of the solids' Gibbs energies) from `precursors`
    /// (the bundled list when nil), without the air-sensitive ones when `airStable`.
    public init(temperature: Double = defaultTemperature, precursors: [Precursor]? = nil, airStable: Bool = false) throws {
        guard temperature.isFinite else { throw SynthesisError("temperature must be a finite number of K, got \(temperature)") }
        let gases = try ReactionGas.bundled()
        let solids = try SolidGibbs(temperature: temperature)
        let list = try (precursors ?? PrecursorList.bundled()).filter { !airStable || !$0.airSensitive }
        for p in list {
            if let g = p.releases.first(where: { gases[$0] == nil }) {
                throw SynthesisError("precursor \(p.formula) releases \(g), which has no gas-phase energy (gases.csv)")
            }
        }
        (self.temperature, self.precursors, self.gases, self.solids) = (temperature, list, gases, solids)
    }

    /// The best `count` routes to `target` with the default precursors; see `routes(for:formationEnergyPerAtom:)`.
    public static func top(for target: Composition, formationEnergyPerAtom: Double? = nil, count: Int,
                           temperature: Double = defaultTemperature, airStable: Bool = false) throws -> [PrecursorRoute] {
        try PrecursorRoutes(temperature: temperature, airStable: airStable).top(for: target, formationEnergyPerAtom: formationEnergyPerAtom, count: count)
    }

    /// The best `count` (≥ 1) routes, best first.
    public func top(for target: Composition, formationEnergyPerAtom: Double? = nil, count: Int) throws -> [PrecursorRoute] {
        guard count >= 1 else { throw SynthesisError("the number of routes must be at least 1, got \(count)") }
        return Array(try routes(for: target, formationEnergyPerAtom: formationEnergyPerAtom).prefix(count))
    }

    /// Every balanced route to `target`, best first. `formationEnergyPerAtom` (eV/atom, MP scale) is
    /// the target's energy, e.g. from a campaign's hull; nil takes its MP ground state, which then
    /// must exist. Throws for a target no precursor can supply, or with no balanced route.
    public func routes(for target: Composition, formationEnergyPerAtom: Double? = nil) throws -> [PrecursorRoute] {
        let context = try ReactionContext(target: target, formationEnergyPerAtom: formationEnergyPerAtom, routes: self)
        let routes = try context.balancedRoutes()
        guard !routes.isEmpty else {
            throw SynthesisError("no balanced reaction from the bundled precursors gives \(context.targetLabel)")
        }
        return try context.ranked(routes, shelf: ShelfStability.energies(of: context.candidates))
    }
}
