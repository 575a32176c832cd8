import ArgumentParser
import Crystal
import Foundation
import Synthesis

/// `kiln precursors FORMULA [--formation-energy E] [--top N] [--temperature K] [--air-stable] [--json]`: balanced
/// solid-state reactions from common precursors, ranked by shelf stability, reaction energy and competition;
/// `kiln precursors --list` prints the precursors with their shelf energies.
struct PrecursorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "precursors",
        abstract: "Solid-state routes to a composition from common precursors, ranked by shelf stability, reaction energy and competing phases.",
        discussion: """
            Examples:
              kiln precursors LiMn2O4
              kiln precursors BaTiO3 --temperature 1200 --top 5
              kiln precursors Li2MnCoO4 --formation-energy -1.9 --json
              kiln precursors --list

            Reactions of one to three precursors from the bundled list (oxides, carbonates, nitrates, \
            hydroxides, ammonium and acid salts; elements for oxygen-free targets) made of the \
            target's elements plus C, H, N and O, balanced exactly with the gases they release and \
            O2 in or out; --air-stable leaves out the precursors the list marks air-sensitive. ΔE is \
            the reaction free energy per atom of reactants at --temperature on the bundled MP \
            formation-energy scale: solids at their lowest MP entry plus Bartel's Gibbs descriptor \
            G^δ(T), gases at their NIST-JANAF G(T) (aligned to MP's carbonates, hydroxides and \
            nitrates). Competing: phases a pair of the reactants (O2 included when \
            taken up) forms more favourably than the target reaction along their mixing line (their \
            interface hull); \
            depth: by how much. Score = ΔE + depth. Routes are ranked first by how many of their \
            precursors air changes on the shelf (more than 0.15 eV per cation above the hull of \
            their system in dry air at 300 K: LiOH, MnO, BaO, …; marked *), then by score, lower \
            first. The target's energy is its lowest \
            MP entry unless --formation-energy is given (required for compositions not in MP). \
            See docs/synthesis.md.
            """)

    @Argument(help: "Target formula, e.g. LiMn2O4.")
    var formula: String?

    @Flag(help: "Print the bundled precursor list with each precursor's energy above the ambient-air hull instead of routes.")
    var list = false

    @Option(name: .customLong("formation-energy"), parsing: .unconditional, help: "Formation energy of the target (eV/atom, MP scale).")
    var formationEnergy: Double?

    @Option(help: "Number of routes to show.")
    var top = 10

    @Option(parsing: .unconditional, help: "Synthesis temperature (K, 300–2000) of the reaction free energies.")
    var temperature = PrecursorRoutes.defaultTemperature

    @Flag(name: .customLong("air-stable"), help: "Leave out precursors that take up water or CO2 from air, or oxidise (BaO, Li2O, P2O5, FeO, …).")
    var airStable = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard (formula == nil) == list else { throw ValidationError(list ? "--list takes no formula" : "give a target formula, or --list") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        let range = PrecursorRoutes.temperatureRange
        guard range.contains(temperature) else {
            throw ValidationError("--temperature must be between \(Int(range.lowerBound)) and \(Int(range.upperBound)) K (the range of the solids' Gibbs energies)")
        }
    }

    func run() throws {
        guard let formula else { return try printList() }
        let target: Composition
        do { target = try Composition(formula) } catch {
            throw CommandError("\(formula): \(describe(error))")
        }
        let routes: [PrecursorRoute]
        do {
            routes = try PrecursorRoutes(temperature: temperature, airStable: airStable).top(for: target, formationEnergyPerAtom: formationEnergy, count: top)
        } catch let error as SynthesisError {
            throw CommandError(error.description)
        }
        if json {
            print(try jsonText(routes.map { r -> [String: Any] in
                [
                    "equation": r.equation, "target": r.target, "reaction_energy_per_atom": r.reactionEnergyPerAtom,
                    "precursors": r.precursors.map { ["formula": $0.formula, "coefficient": $0.coefficient] },
                    "oxygen_consumed": r.oxygenConsumed,
                    "gases_released": r.gasesReleased.map { ["formula": $0.formula, "coefficient": $0.coefficient] },
                    "competing_phases": r.competingPhases, "competition_depth": r.competitionDepth, "score": r.score,
                    "shelf_unstable": r.shelfUnstable.map { ["formula": $0.formula, "energy_per_cation": $0.coefficient] },
                    "temperature": temperature,
                ]
            }))
            return
        }
        print("routes to \(routes[0].target) at \(Int(temperature)) K (ΔE, depth and score in eV/atom; * precursor air changes on the shelf;"
              + " fewest * first, then lower score)")
        let width = max(8, routes.map { $0.equation.count + $0.shelfUnstable.count }.max() ?? 8)
        print("rank  " + "reaction".padding(toLength: width, withPad: " ", startingAt: 0) + "       ΔE   depth   score  competing phases")
        for (i, r) in routes.enumerated() {
            let numbers = [r.reactionEnergyPerAtom, r.competitionDepth, r.score].map { String(format: "%7.3f", $0) }.joined(separator: " ")
            let competing = r.competingPhases.isEmpty ? "-" : r.competingPhases.prefix(4).joined(separator: ", ")
                + (r.competingPhases.count > 4 ? " (+\(r.competingPhases.count - 4))" : "")
            // Star each reactant air changes on the shelf ("n Formula" terms left of the arrow).
            let sides = r.equation.components(separatedBy: " -> ")
            let unstable = Set(r.shelfUnstable.map(\.formula))
            let left = sides[0].components(separatedBy: " + ").map { t in unstable.contains(String(t.split(separator: " ").last ?? "")) ? t + "*" : t }
            let marked = ([left.joined(separator: " + ")] + sides.dropFirst()).joined(separator: " -> ")
            print(String(format: "%4d  ", i + 1) + marked.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(numbers)  \(competing)")
        }
    }

    /// The bundled list with each precursor's shelf energy (`ShelfStability`).
    private func printList() throws {
        let routes: PrecursorRoutes
        do { routes = try PrecursorRoutes(airStable: airStable) } catch let error as SynthesisError { throw CommandError(error.description) }
        let shelf: [String: Double]
        do { shelf = try ShelfStability.energies(of: routes.precursors) } catch let error as SynthesisError { throw CommandError(error.description) }
        let rows = routes.precursors.map { p in (p, shelf[p.formula]) }
        if json {
            print(try jsonText(rows.map { p, e -> [String: Any] in
                ["formula": p.formula, "kind": p.kind, "releases": p.releases, "air_sensitive": p.airSensitive,
                 "shelf_energy_per_cation": e.map { $0 as Any } ?? NSNull(), "changed_on_shelf": (e ?? 0) > ShelfStability.tolerance]
            }))
            return
        }
        print("bundled precursors; shelf: energy above the hull of the precursor's system in dry air at 300 K (eV per cation),"
              + String(format: " * above %.2f (air changes it on the shelf)", ShelfStability.tolerance))
        print("formula      kind           releases     air-sensitive   shelf")
        for (p, e) in rows {
            let shelf = e.map { String(format: "%6.3f%@", $0, $0 > ShelfStability.tolerance ? "*" : "") } ?? "     -"
            print(p.formula.padding(toLength: 12, withPad: " ", startingAt: 0) + " " + p.kind.padding(toLength: 14, withPad: " ", startingAt: 0)
                  + " " + p.releases.joined(separator: " ").padding(toLength: 12, withPad: " ", startingAt: 0) + " "
                  + (p.airSensitive ? "yes" : "").padding(toLength: 15, withPad: " ", startingAt: 0) + " " + shelf)
        }
    }
}
