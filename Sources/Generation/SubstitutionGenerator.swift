import Crystal
import Foundation
import ReferenceData

/// Ionic substitution into known structures (Hautier et al. 2011, as pymatgen's `Substitutor`):
/// every ordered prototype with as many elements as a target system and at most `maxAtoms` sites is
/// given charge-neutral oxidation states (SMACT lists + Pauling test; of several, those using the most
/// common oxidation states, standing in for pymatgen's bond-valence decoration); each mapping of its ions onto
/// ions of the target elements is scored by the product of conditional substitution probabilities,
/// kept when above `threshold` and charge balanced, and the cell is rescaled to the volume
/// `VolumeEstimator` predicts for the new composition. Mappings that keep the parent's elements are
/// skipped, as in pymatgen. With `requireChargeBalance` the new ions must also pass the Pauling test.
public struct SubstitutionGenerator: StructureGenerator {
    /// How `generate` picks from the ranked proposals.
    public enum Selection: Sendable, Hashable {
        /// The most probable proposals first (the seed is only recorded).
        case mostProbable
        /// Weighted sampling without replacement, weight = probability, from the seed.
        case sampled
    }

    /// One scored substitution of a prototype.
    public struct Proposal: Sendable {
        public let source: ReferenceSet
        /// Record index in the source set.
        public let index: Int
        public let parentID: String
        /// Parent ion → new ion, one per parent element.
        public let replacements: [Provenance.Replacement]
        /// Product of the conditional probabilities P(new | old).
        public let probability: Double
        /// Reduced formula of the substituted structure.
        public let formula: String
    }

    public var name: String { "substitution" }
    /// Lowest probability kept (pymatgen's default 1e-3).
    public var threshold: Double
    public var selection: Selection
    /// Built-in prototype sets to substitute into.
    public var sources: [ReferenceSet]
    /// Reduced formulas whose prototypes are never used (e.g. phases hidden for a rediscovery test).
    public var excludedFormulas: Set<String> = []
    /// Record indices, per set, of prototypes never used (e.g. every prototype of a hidden
    /// phase's structure type, for a rediscovery test that measures search rather than lookup).
    public var excludedPrototypes: [ReferenceSet: Set<Int>] = [:]

    public init(threshold: Double = 1e-3, selection: Selection = .mostProbable,
                sources: [ReferenceSet] = ReferenceSet.allCases) {
        self.threshold = threshold
        self.selection = selection
        self.sources = sources
    }

    public func generate(target: GenerationTarget, budget: Int, seed: UInt64) throws -> [Candidate] {
        guard budget > 0 else { return [] }
        var ranked = try proposals(for: target)
        if selection == .sampled {
            var rng = SeededGenerator(seed: seed)
            let keys = ranked.map { log(Double.random(in: Double.ulpOfOne..<1, using: &rng)) / $0.probability }
            ranked = ranked.indices.sorted { keys[$0] > keys[$1] }.map { ranked[$0] }
        }
        var out: [Candidate] = []
        var seen = Set<String>()
        for p in ranked where out.count < budget {
            let c = try candidate(p, seed: seed)
            if seen.insert(Self.fingerprint(c.structure)).inserted { out.append(c) }
        }
        return out
    }

    /// All proposals for the target, most probable first (ties by parent id, then formula).
    public func proposals(for target: GenerationTarget) throws -> [Proposal] {
        let model = try SubstitutionProbability.standard()
        // Candidate ions of every target element (those with λ data), per system.
        let systems = target.systems.map { system in
            (system, system.map { e in
                target.oxidationStates.states(e).map { Species(e, oxidationState: Double($0)) }.filter(model.knows)
            })
        }.filter { !$0.1.contains(where: \.isEmpty) }
        let sizes = Set(systems.map(\.0.count))
        var best: [String: Proposal] = [:]
        for source in sources {
            let set = try ReferenceStructures.shared(source)
            let excluded = excludedPrototypes[source] ?? []
            for i in set.indices where set.siteCount(at: i) <= target.maxAtoms && sizes.contains(set.elements(at: i).count)
                && set.isOrdered(at: i) && !excluded.contains(i)
                && (excludedFormulas.isEmpty || !excludedFormulas.contains(set.composition(at: i).reducedFormula)) {
                for p in proposals(set, i, source, systems, target, model) {
                    let key = "\(source.rawValue) \(i) " + p.replacements.map { "\($0.to.element)" }.joined(separator: " ")
                    if let old = best[key], old.probability >= p.probability { continue }
                    best[key] = p
                }
            }
        }
        return best.values.filter { target.formulas.isEmpty || target.formulas.contains($0.formula) }.sorted {
            ($0.probability, $1.parentID, $1.formula) > ($1.probability, $0.parentID, $0.formula)
        }
    }

    /// Builds the substituted, volume-rescaled structure of a proposal.
    public func candidate(_ p: Proposal, seed: UInt64) throws -> Candidate {
        let parent = try ReferenceStructures.shared(p.source).structure(at: p.index)
        let map = Dictionary(uniqueKeysWithValues: p.replacements.map { ($0.from.element, $0.to.element) })
        var s = parent
        for k in s.sites.indices { s.sites[k] = Site(map[s.sites[k].element]!, s.sites[k].frac) }
        let scale = try VolumeEstimator.volume(of: s.composition) / VolumeEstimator.volume(of: parent.composition)
        s.lattice = Lattice(s.lattice.matrix * cbrt(scale))
        return Candidate(structure: s, provenance: Provenance(
            generator: name, seed: seed, parentID: p.parentID,
            substitutions: p.replacements.filter { $0.from != $0.to }, probability: p.probability))
    }

    /// Scored substitutions of record i into every target system of its size.
    private func proposals(_ set: ReferenceStructures, _ i: Int, _ source: ReferenceSet,
                           _ systems: [([Element], [[Species]])], _ target: GenerationTarget,
                           _ model: SubstitutionProbability) -> [Proposal] {
        let comp = set.composition(at: i)
        let parentIons = Self.plausibleIons(comp, target.oxidationStates, model)
        guard !parentIons.isEmpty else { return [] }
        let counts = parentIons[0].map { comp[$0.element] }
        var out: [Proposal] = []
        for (system, options) in systems where system.count == counts.count {
            for old in parentIons {
                // P(t | s) for every parent ion s (row) and candidate ion t of every target element.
                let table = old.map { s in options.map { $0.map { model.conditionalProbability($0, replacing: s) } } }
                let bound = table.map { $0.flatMap { $0 }.max() ?? 0 }
                var chosen: [Species] = []
                var used = Set<Element>()
                func extend(_ k: Int, _ prob: Double, _ charge: Double) {
                    if k == old.count {
                        guard abs(charge) < 1e-9, prob > threshold,
                              chosen.map(\.element) != old.map(\.element) else { return }
                        if target.requireChargeBalance && !ChargeBalance.passesPauling(
                            chosen.map { Int($0.oxidationState!) }, chosen.map(\.element)) { return }
                        let newComp = Composition(zip(chosen, counts).map { ($0.element, $1) })
                        out.append(Proposal(
                            source: source, index: i, parentID: set.id(at: i),
                            replacements: zip(old, chosen).map { Provenance.Replacement(from: $0, to: $1) },
                            probability: prob, formula: newComp.reducedFormula))
                        return
                    }
                    // Branch and bound: even the best remaining factors cannot lift prob above threshold.
                    if prob * bound[k...].reduce(1, *) <= threshold { return }
                    for (e, ions) in zip(system, options) where !used.contains(e) {
                        let col = system.firstIndex(of: e)!
                        for (t, ion) in ions.enumerated() {
                            chosen.append(ion)
                            used.insert(e)
                            extend(k + 1, prob * table[k][col][t], charge + ion.oxidationState! * counts[k])
                            used.remove(e)
                            chosen.removeLast()
                        }
                    }
                }
                extend(0, 1, 0)
            }
        }
        return out
    }

    /// The parent's charge-neutral ion assignments with λ data that use the most common oxidation
    /// states (pymatgen's `common_oxidation_states`), e.g. Li+ Co3+ O2- rather than Li+ Co+ O- for LiCoO2.
    static func plausibleIons(_ comp: Composition, _ states: OxidationStateSet,
                              _ model: SubstitutionProbability) -> [[Species]] {
        let all = ChargeBalance.assignments(comp, states: states).filter { $0.species.allSatisfy(model.knows) }
        let score = all.map { a in
            zip(a.elements, a.oxidationStates).filter { $0.data.commonOxidationStates.contains($1) }.count
        }
        guard let top = score.max() else { return [] }
        return all.indices.filter { score[$0] == top }.map { all[$0].species }
    }

    /// Cheap structure-type key used to drop near-identical candidates: reduced formula and the
    /// multiset of site signatures (element, coordination number, nearest distance / (V/N)^⅓),
    /// with counts divided by their gcd so supercells of one structure share a key.
    static func fingerprint(_ s: Structure) -> String {
        let scale = cbrt(s.volumePerAtom)
        var nearest = [Double](repeating: .infinity, count: s.count)
        var pairs: [(Int, Double)] = []
        NeighborList.forEachPair(in: s, cutoff: 2 * scale) { i, _, _, d in
            nearest[i] = min(nearest[i], d)
            pairs.append((i, d))
        }
        var cn = [Int](repeating: 0, count: s.count)
        for (i, d) in pairs where d <= 1.2 * nearest[i] { cn[i] += 1 }
        var signatures: [String: Int] = [:]
        for k in s.sites.indices {
            let r = nearest[k].isFinite ? String(format: "%.2f", (nearest[k] / scale * 20).rounded() / 20) : "-"
            signatures["\(s.sites[k].element.symbol)\(cn[k])/\(r)", default: 0] += 1
        }
        var g = 0
        for n in signatures.values { var (a, b) = (g, n); while b != 0 { (a, b) = (b, a % b) }; g = a }
        return s.reducedFormula + " " + signatures.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value / g)" }.joined(separator: " ")
    }
}
