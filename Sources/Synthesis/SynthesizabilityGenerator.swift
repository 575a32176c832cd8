import Crystal
import Foundation

/// Hypothetical compositions matched to known ones, SynthNN's unlabelled examples (Antoniuk et al.,
/// npj Comput. Mater. 9, 155, 2023) made harder to tell apart: each draw takes a random template (a
/// known composition with at least two elements), keeps its number of elements and its reduced
/// integer counts in a shuffled order, and puts on them that many distinct elements drawn with the
/// frequencies elements have among the templates. So the unlabelled set has the positives'
/// distribution of element counts, stoichiometries and element frequencies, and differs only in
/// which elements go together with which counts. Draws that reduce to a known composition or to
/// one already accepted are rejected. (SynthNN draws 2–4 elements uniformly from Z = 1–94 with
/// counts 1–10; `weighted=True` in its code draws them with ICSD frequencies.)
public struct CompositionGenerator: Sendable {
    /// The elements drawn from, in order of atomic number.
    public let elements: [Element]
    private let cumulative: [Double]
    private let templates: [[Int]]
    private var excluded: Set<String>

    /// `templates`: the known compositions to mimic (integer amounts); `known`: reduced formulas never to produce.
    public init(templates known: [Composition], known excluded: Set<String>) throws {
        var counts: [Element: Double] = [:]
        var templates: [[Int]] = []
        for c in known {
            let amounts = c.reduced.items.map(\.1)
            guard amounts.count >= 2, amounts.allSatisfy({ abs($0 - $0.rounded()) < 1e-6 }) else { continue }
            templates.append(amounts.map { Int($0.rounded()) })
            for e in c.elements { counts[e, default: 0] += 1 }
        }
        guard !templates.isEmpty else { throw SynthesisError("no known composition with two or more elements to generate from") }
        elements = counts.keys.sorted()
        var running = 0.0
        cumulative = elements.map { running += counts[$0]!; return running }
        self.templates = templates
        self.excluded = excluded
    }

    /// One draw: the reduced formula and composition, or nil when rejected (known, already accepted,
    /// or an element drawn twice too often).
    public func next<G: RandomNumberGenerator>(using rng: inout G) -> (String, Composition)? {
        var amounts = templates[Int.random(in: 0..<templates.count, using: &rng)]
        amounts.shuffle(using: &rng)
        var chosen: [Element] = []
        var tries = 0
        while chosen.count < amounts.count {
            tries += 1
            if tries > 20 * amounts.count { return nil }
            let u = Double.random(in: 0..<cumulative.last!, using: &rng)
            var lo = 0, hi = cumulative.count - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
            }
            if !chosen.contains(elements[lo]) { chosen.append(elements[lo]) }
        }
        let c = Composition(zip(chosen, amounts.map(Double.init)))
        let formula = c.reducedFormula
        return excluded.contains(formula) ? nil : (formula, c)
    }

    /// Marks a formula as used, so it is not produced again.
    public mutating func accept(_ formula: String) { excluded.insert(formula) }
}
