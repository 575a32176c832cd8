import Crystal
import Thermo

/// What the reactions to one target are built from: the target's exact amounts and energy, the MP
/// ground states of its chemical space, and the precursors that may take part (`PrecursorRoutes`).
struct ReactionContext {
    /// A balanced reaction before its competition is known; coefficients per formula unit of the target.
    struct Balanced {
        let precursors: [(Precursor, ReactionFraction)]
        /// Released gases (> 0), O2 excluded.
        let gases: [(ReactionGas, ReactionFraction)]
        /// O2 released (> 0) or taken up (< 0).
        let oxygen: ReactionFraction
        let energyPerAtom: Double
    }

    /// The target in whole numbers, its elements in the order given.
    let target: Composition
    /// Its reduced formula (the MP key).
    let targetFormula: String
    /// Its formula for equations, e.g. LiCo2O4 for Li0.5CoO2.
    let targetLabel: String
    let targetAmounts: [Element: ReactionFraction]
    /// The target's Gibbs energy at the temperature (eV/atom, `SolidGibbs`).
    let targetEnergyPerAtom: Double
    /// The lowest MP entry of each reduced formula in the target's elements plus C, H, N, O, at its
    /// Gibbs energy at the temperature (`SolidGibbs`).
    let groundStates: [String: ThermoEntry]
    let candidates: [Precursor]
    let gases: [String: ReactionGas]
    let temperature: Double

    init(target given: Composition, formationEnergyPerAtom: Double?, routes: PrecursorRoutes) throws {
        guard given.items.allSatisfy({ $0.1 > Composition.amountTolerance }) else {
            throw SynthesisError("\(given.formula): every amount must be positive")
        }
        // The target in whole numbers (Li0.5CoO2 as LiCo2O4): MP's formulas are, and so is the equation.
        let reduced = given.reduced
        var fractions: [(Element, ReactionFraction)] = []
        for (el, x) in reduced.items {
            guard let f = ReactionFraction(approximating: x) else {
                throw SynthesisError("\(given.formula): the amount \(x) of \(el.symbol) is not a fraction with a denominator up to 1000")
            }
            fractions.append((el, f))
        }
        let scale = fractions.reduce(1) { l, f in l / ReactionFraction.gcd(l, f.1.denominator) * f.1.denominator }
        target = scale == 1 ? reduced : (reduced * Double(scale)).reduced
        targetFormula = target.reducedFormula
        targetLabel = target.items.map { $0.1 == 1 ? $0.0.symbol : "\($0.0.symbol)\(Int($0.1.rounded()))" }.joined()
        var amounts: [Element: ReactionFraction] = [:]
        for (el, x) in target.items { amounts[el] = ReactionFraction(approximating: x) }
        targetAmounts = amounts
        let elements = Set(target.elements)
        let oxygen = try Element("O")
        let cations = elements.subtracting([oxygen])
        guard !cations.isEmpty else { throw SynthesisError("\(targetLabel) has no element besides O to make from precursors") }
        guard cations.count <= 3 else {
            throw SynthesisError("\(targetLabel) has \(cations.count) elements besides O; routes use at most three precursors")
        }
        let allowed = elements.union(PrecursorRoutes.volatileElements)
        let ground = try ReactionReference.groundStates().filter { Set($0.value.composition.elements).isSubset(of: allowed) }
        let placed = Set(ground.values.filter { $0.composition.elements.count == 1 }.map { $0.composition.elements[0] })
        let unsupported = elements.subtracting(placed).sorted()
        guard unsupported.isEmpty else {
            throw SynthesisError("no MP reference phase for \(unsupported.map(\.symbol).joined(separator: ", ")): \(targetLabel) cannot be placed")
        }
        let formula = targetFormula
        let usable = routes.precursors.filter { p in
            let els = Set(p.composition.elements)
            return els.isSubset(of: allowed) && !els.isDisjoint(with: cations) && p.composition.reducedFormula != formula
                && !(elements.contains(oxygen) && p.kind == "element") && ground[p.composition.reducedFormula] != nil
        }
        let unsupplied = cations.filter { el in !usable.contains { $0.composition[el] > 0 } }.sorted()
        guard unsupplied.isEmpty else {
            throw SynthesisError("no precursor in the list supplies \(unsupplied.map(\.symbol).joined(separator: ", ")) for \(targetLabel)")
        }
        // Every solid at its Gibbs energy at the temperature (`SolidGibbs`), on the gases' scale.
        groundStates = try ground.mapValues { e in
            try ThermoEntry(composition: e.composition, energyPerAtom: routes.solids.energyPerAtom(e.composition, formationEnergyPerAtom: e.energyPerAtom), id: e.id)
        }
        if let e = formationEnergyPerAtom {
            guard e.isFinite, abs(e) <= 10 else {
                throw SynthesisError("formation energy \(e) eV/atom is outside ±10 eV/atom; give it per atom on the MP scale")
            }
            targetEnergyPerAtom = try routes.solids.energyPerAtom(target, formationEnergyPerAtom: e)
        } else {
            guard let g = groundStates[targetFormula] else {
                throw SynthesisError("\(targetLabel) is not in the bundled MP table: give its formation energy (eV/atom, MP scale)")
            }
            targetEnergyPerAtom = g.energyPerAtom
        }
        (candidates, gases, temperature) = (usable, routes.gases, routes.temperature)
    }

    /// Every set of one to three candidates that balances against the target exactly, with positive
    /// amounts of each precursor and no gas consumed except O2.
    func balancedRoutes() throws -> [Balanced] {
        let cations = target.elements.filter { $0.symbol != "O" }
        var out: [Balanced] = []
        func visit(_ start: Int, _ chosen: [Precursor]) throws {
            if !chosen.isEmpty, cations.allSatisfy({ el in chosen.contains { $0.composition[el] > 0 } }),
               let b = try balance(chosen) {
                out.append(b)
            }
            guard chosen.count < 3 else { return }
            for i in start..<candidates.count { try visit(i + 1, chosen + [candidates[i]]) }
        }
        try visit(0, [])
        return out
    }

    private func balance(_ set: [Precursor]) throws -> Balanced? {
        guard let o2 = gases["O2"] else { throw SynthesisError("gases.csv has no O2") }
        var released: [ReactionGas] = []
        for name in set.flatMap(\.releases) where !released.contains(where: { $0.formula == name }) {
            if let g = gases[name] { released.append(g) }
        }
        let species = set.map(\.composition) + released.map(\.composition)
        let elements = Set(target.elements + species.flatMap(\.elements) + o2.composition.elements).sorted()
        func solve(withOxygen: Bool) -> ReactionBalancer.Solution {
            var rows: [[ReactionFraction]] = []
            for el in elements {
                var row: [ReactionFraction] = []
                for (j, c) in species.enumerated() {
                    guard let f = ReactionFraction(approximating: c[el]) else { return .none }
                    row.append(j < set.count ? f : -f)
                }
                if withOxygen { row.append(-ReactionFraction(Int(o2.composition[el]))) }
                rows.append(row)
            }
            return ReactionBalancer.solve(rows, elements.map { targetAmounts[$0] ?? .zero })
        }
        var solution = solve(withOxygen: true)
        var withOxygen = true
        if solution == .underdetermined { (solution, withOxygen) = (solve(withOxygen: false), false) }
        guard case .unique(let x) = solution else { return nil }
        let solids = Array(x[0..<set.count]), outs = Array(x[set.count..<species.count])
        guard solids.allSatisfy({ $0.numerator > 0 }), outs.allSatisfy({ $0.numerator >= 0 }) else { return nil }
        let oxygen = withOxygen ? x[species.count] : .zero
        var energy = targetEnergyPerAtom * target.numAtoms + oxygen.value * o2.freeEnergy(temperature: temperature)
        var atoms = max(0, -oxygen.value) * o2.composition.numAtoms
        for (p, n) in zip(set, solids) {
            guard let g = groundStates[p.composition.reducedFormula] else { return nil }
            energy -= n.value * g.energyPerAtom * p.composition.numAtoms
            atoms += n.value * p.composition.numAtoms
        }
        for (g, n) in zip(released, outs) { energy += n.value * g.freeEnergy(temperature: temperature) }
        return Balanced(precursors: Array(zip(set, solids)), gases: zip(released, outs).filter { !$0.1.isZero },
                        oxygen: oxygen, energyPerAtom: energy / atoms)
    }
}
