import Crystal
import Thermo

extension ReactionContext {
    /// The routes with their competition, best first (the rule in `PrecursorRoutes`).
    func ranked(_ routes: [Balanced], shelf: [String: Double]) throws -> [PrecursorRoute] {
        let hull = try HullService(reference: .none)
        let oxygen = try Composition("O2")
        var pairs: [[String]: ReactionCompetition] = [:]
        var out: [PrecursorRoute] = []
        for r in routes {
            var best: [String: Double] = [:]
            // O2 taken up is a reactant too: what it forms with each solid competes.
            let reactants = r.precursors.map { ($0.0.formula, $0.0.composition) } + (r.oxygen.numerator < 0 ? [("O2", oxygen)] : [])
            for i in reactants.indices {
                for j in reactants.indices where j > i {
                    let key = [reactants[i].0, reactants[j].0]
                    if pairs[key] == nil { pairs[key] = try competition(reactants[i].1, reactants[j].1, hull: hull) }
                    for (phase, e) in pairs[key]!.phases where e < r.energyPerAtom - 1e-6 { best[phase] = min(best[phase] ?? .infinity, e) }
                }
            }
            let competing = best.sorted { $0.value != $1.value ? $0.value < $1.value : $0.key < $1.key }
            let unstable = r.precursors.compactMap { p, _ in
                shelf[p.formula].flatMap { $0 > ShelfStability.tolerance ? PrecursorRoute.Term(formula: p.formula, coefficient: $0) : nil }
            }
            out.append(route(r, competing: competing.map(\.key), depth: competing.first.map { r.energyPerAtom - $0.value } ?? 0, unstable: unstable))
        }
        return out.sorted {
            ($0.shelfUnstable.count, $0.score, $0.competingPhases.count, $0.precursors.count, $0.equation)
                < ($1.shelfUnstable.count, $1.score, $1.competingPhases.count, $1.precursors.count, $1.equation)
        }
    }

    /// The interface hull of two precursors in their chemical system: MP ground states at their Gibbs
    /// energies (`SolidGibbs`), the gases at the temperature in place of MP's molecular solids and
    /// gas-element phases, and the target.
    private func competition(_ a: Composition, _ b: Composition, hull: HullService) throws -> ReactionCompetition {
        let system = Set(a.elements + b.elements)
        let gasFormulas = Set(gases.values.map(\.composition.reducedFormula))
        let gasElements = Set(gases.values.filter { $0.composition.elements.count == 1 }.map(\.composition.elements[0]))
        var entries = groundStates.values.filter { e in
            let els = e.composition.elements
            return Set(els).isSubset(of: system) && !gasFormulas.contains(e.composition.reducedFormula)
                && !(els.count == 1 && gasElements.contains(els[0])) && e.composition.reducedFormula != targetFormula
        }
        for g in gases.values.sorted(by: { $0.formula < $1.formula }) where Set(g.composition.elements).isSubset(of: system) {
            entries.append(try ThermoEntry(composition: g.composition, energy: g.freeEnergy(temperature: temperature), id: "gas:\(g.formula)"))
        }
        if Set(target.elements).isSubset(of: system) {
            entries.append(try ThermoEntry(composition: target, energyPerAtom: targetEnergyPerAtom, id: "target"))
        }
        let excluded = gasFormulas.union([a.reducedFormula, b.reducedFormula, targetFormula])
        return try ReactionCompetition(a, b, entries: entries, excluded: excluded, hull: hull)
    }

    private func route(_ r: Balanced, competing: [String], depth: Double, unstable: [PrecursorRoute.Term]) -> PrecursorRoute {
        let o = r.oxygen
        var gasTerms = r.gases.map { PrecursorRoute.Term(formula: $0.0.formula, coefficient: $0.1.value) }
        if o.numerator > 0 { gasTerms.append(PrecursorRoute.Term(formula: "O2", coefficient: o.value)) }
        // Whole numbers: multiply by the least common denominator.
        let all = r.precursors.map(\.1) + r.gases.map(\.1) + [o]
        let scale = all.reduce(1) { l, f in l / ReactionFraction.gcd(l, f.denominator) * f.denominator }
        func term(_ f: ReactionFraction, _ formula: String) -> String {
            let n = abs(f.numerator) * (scale / f.denominator)
            return n == 1 ? formula : "\(n) \(formula)"
        }
        var left = r.precursors.map { term($0.1, $0.0.formula) }
        var right = [term(ReactionFraction(1), targetLabel)] + r.gases.map { term($0.1, $0.0.formula) }
        if o.numerator < 0 { left.append(term(o, "O2")) } else if o.numerator > 0 { right.append(term(o, "O2")) }
        return PrecursorRoute(
            target: targetLabel,
            precursors: r.precursors.map { PrecursorRoute.Term(formula: $0.0.formula, coefficient: $0.1.value) },
            oxygenConsumed: max(0, -o.value), gasesReleased: gasTerms,
            equation: left.joined(separator: " + ") + " -> " + right.joined(separator: " + "),
            reactionEnergyPerAtom: r.energyPerAtom, competingPhases: competing, competitionDepth: depth,
            shelfUnstable: unstable)
    }
}
