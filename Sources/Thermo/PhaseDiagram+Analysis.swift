import Crystal

extension PhaseDiagram {
    /// Formation energy, energy above hull, decomposition, stability and (for stable entries) phase
    /// separation energy of the diagram's entry at `index`.
    public func analyze(index: Int, phaseSeparation: Bool = true) -> HullResult {
        let pool = queryPool(masks[index])
        return analyze(Query(entry: entries[index], fractions: fractions[index], mask: masks[index],
                             formation: formation[index], group: group[index], member: true),
                       pool: pool, phaseSeparation: phaseSeparation)
    }

    /// The same for every entry of the diagram, in input order. Entries are processed system by
    /// system so each system's hull is assembled once.
    public func analyzeAll(phaseSeparation: Bool = true) -> [HullResult] {
        var order = Array(entries.indices)
        order.sort { a, b in
            let ma = masks[a], mb = masks[b]
            return ma.hi != mb.hi ? ma.hi < mb.hi : (ma.lo != mb.lo ? ma.lo < mb.lo : a < b)
        }
        var out = [HullResult?](repeating: nil, count: entries.count)
        var current = ElementMask()
        var pool = HullPool(k: 0)
        for i in order {
            if masks[i] != current || pool.k == 0 {
                current = masks[i]
                pool = queryPool(current)
            }
            out[i] = analyze(Query(entry: entries[i], fractions: fractions[i], mask: masks[i],
                                   formation: formation[i], group: group[i], member: true),
                             pool: pool, phaseSeparation: phaseSeparation)
        }
        return out.map { $0! }
    }

    /// Analyses an entry that need not be part of the diagram (e.g. a new candidate). Its energy
    /// must be on the same scale as the diagram's entries. Throws when the entry has an element the
    /// diagram has no reference for.
    public func analyze(_ entry: ThermoEntry, phaseSeparation: Bool = true) throws -> HullResult {
        let n = entry.composition.numAtoms
        let fr = entry.composition.items.filter { $0.1 > Composition.amountTolerance }
            .map { (z: $0.0.z, x: $0.1 / n) }.sorted { $0.z < $1.z }
        let missing = fr.filter { referenceIndex[$0.z] == nil }.map { try! Element(z: $0.z).symbol }
        guard missing.isEmpty else {
            throw ThermoError.outsideDiagram(formula: entry.composition.reducedFormula, missing: missing)
        }
        var ref = 0.0
        for (el, amt) in entry.composition.items { ref += amt * refEnergyByZ[el.z] }
        let mask = ElementMask(zs: fr.map(\.z))
        return analyze(Query(entry: entry, fractions: fr, mask: mask, formation: (entry.energy - ref) / n,
                             group: groupOf[CompositionKey(fr)], member: false),
                       pool: queryPool(mask), phaseSeparation: phaseSeparation)
    }

    /// Hull energy (formation energy per atom) at a composition.
    public func hullFormationEnergy(of composition: Composition) throws -> Double {
        let probe = try ThermoEntry(composition: composition, energy: 0, id: "probe")
        let r = try analyze(probe, phaseSeparation: false)
        return r.formationEnergyPerAtom - r.energyAboveHull
    }

    struct Query {
        let entry: ThermoEntry
        let fractions: [(z: Int, x: Double)]
        let mask: ElementMask
        let formation: Double
        let group: Int?
        /// Part of the diagram (stability by pymatgen's rule) or an outside entry (on or below the hull).
        let member: Bool
    }

    /// Elemental references plus the vertices of every subsystem of `mask`, itself included.
    func queryPool(_ mask: ElementMask) -> HullPool {
        makePool(zs: mask.zs, subsystemsOf: mask, includeSelf: true)
    }

    private func analyze(_ q: Query, pool: HullPool, phaseSeparation: Bool) -> HullResult {
        // An entry equal to a hull vertex (same formula as written, same energy) is stable.
        if let g = q.group {
            let m = groupMinimum[g]
            if isVertex(m) && q.entry.isSamePhase(as: entries[m]) {
                return HullResult(entry: q.entry, formationEnergyPerAtom: q.formation, energyAboveHull: 0,
                                  isStable: true, decomposition: [DecompositionPart(entry: q.entry, fraction: 1)],
                                  phaseSeparationEnergy: phaseSeparation ? phaseSeparationEnergy(q, energyAboveHull: 0) : nil)
            }
        }
        let sol = pool.lowerHull(at: Self.dense(q.fractions, q.mask.zs))
        var parts: [DecompositionPart] = []
        var hull = 0.0
        for (r, w) in zip(sol.rows, sol.weights) where abs(w) > Self.fractionTolerance {
            let e = entries[pool.owner[r]]
            parts.append(DecompositionPart(entry: e, fraction: w))
            hull += w * e.energyPerAtom
        }
        parts.sort { $0.fraction > $1.fraction }
        let eHull = q.entry.energyPerAtom - hull
        let stable = !q.member && eHull <= Self.vertexTolerance
        return HullResult(entry: q.entry, formationEnergyPerAtom: q.formation, energyAboveHull: eHull,
                          isStable: stable, decomposition: parts,
                          phaseSeparationEnergy: stable && phaseSeparation ? phaseSeparationEnergy(q, energyAboveHull: eHull) : nil)
    }

    /// Energy relative to the hull of all entries of other compositions (pymatgen's
    /// `get_phase_separation_energy`); for an element, its energy above the hull.
    private func phaseSeparationEnergy(_ q: Query, energyAboveHull: Double) -> Double {
        if q.fractions.count == 1 { return energyAboveHull }
        let zs = q.mask.zs
        var pool = makePool(zs: zs, subsystemsOf: q.mask, includeSelf: false)
        for i in candidates[q.mask] ?? [] where group[i] != q.group {
            pool.append(fractions: dense(i, zs), formationEnergy: formation[i], owner: i)
        }
        return q.formation - pool.lowerHull(at: Self.dense(q.fractions, zs)).energy
    }
}
