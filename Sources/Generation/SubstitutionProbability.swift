import Crystal
import KilnSupport
import Foundation

/// Data-mined ionic substitution probabilities (Hautier, Fischer, Ehrlacher, Jain & Ceder,
/// Inorg. Chem. 50, 656 (2011)), with pymatgen's `SubstitutionProbability` semantics:
/// λ(s1, s2) from the bundled table (α = −5 for pairs never observed), Z = Σ exp λ over all
/// ordered pairs of known species, p_x(s) = Σ_t exp λ(s, t), and the conditional probability
/// of putting s1 where s2 was, P(s1 | s2) = exp λ(s1, s2) / p_x(s2).
public struct SubstitutionProbability: Sendable {
    /// Weight of substitutions absent from the table.
    public let alpha: Double
    /// Ions that have a λ entry (sorted by element, then charge).
    public let species: [Species]
    private let lambdas: [Pair: Double]
    private let px: [Species: Double]
    /// Normalization Σ exp λ over all ordered species pairs.
    public let z: Double

    private struct Pair: Hashable {
        let a: Species, b: Species
        init(_ x: Species, _ y: Species) {
            let xFirst = (x.element.z, x.oxidationState ?? 0) <= (y.element.z, y.oxidationState ?? 0)
            (a, b) = xFirst ? (x, y) : (y, x)
        }
    }

    /// pymatgen's default table (lambda.json), loaded once per process.
    public static func standard() throws -> SubstitutionProbability { try cached.get() }
    private static let cached = Result(catching: { try SubstitutionProbability(alpha: -5) })

    /// Reads the bundled λ table; `alpha` weights unobserved pairs.
    public init(alpha: Double) throws {
        guard let url = Bundle.module.url(forResource: "lambda", withExtension: "json.gz"),
              let rows = try JSONSerialization.jsonObject(with: try Gzip.readFile(url)) as? [[Any]]
        else { throw GenerationError.corruptResource("lambda.json.gz is missing or not a list of rows") }
        var table: [Pair: Double] = [:]
        var known = Set<Species>()
        for (k, row) in rows.enumerated() {
            guard row.count == 3, let s1 = row[0] as? String, let s2 = row[1] as? String,
                  let value = (row[2] as? NSNumber)?.doubleValue
            else { throw GenerationError.corruptResource("lambda.json.gz row \(k + 1) is malformed") }
            if s1 == "D1+" || s2 == "D1+" { continue }  // deuterium rows, skipped as in pymatgen
            guard let a = try? Species(s1), let b = try? Species(s2), a.oxidationState != nil, b.oxidationState != nil
            else { throw GenerationError.corruptResource("lambda.json.gz row \(k + 1): unknown ion '\(s1)' or '\(s2)'") }
            known.insert(a)
            known.insert(b)
            table[Pair(a, b)] = value
        }
        self.alpha = alpha
        lambdas = table
        species = known.sorted { ($0.element.z, $0.oxidationState!) < ($1.element.z, $1.oxidationState!) }
        var px: [Species: Double] = [:]
        var z = 0.0
        for s in species {
            var sum = 0.0
            for t in species { sum += exp(table[Pair(s, t)] ?? alpha) }
            px[s] = sum
            z += sum
        }
        self.px = px
        self.z = z
    }

    /// λ weight of the pair (symmetric); `alpha` when never observed.
    public func lambda(_ s1: Species, _ s2: Species) -> Double { lambdas[Pair(s1, s2)] ?? alpha }

    /// True when the ion has λ data.
    public func knows(_ s: Species) -> Bool { px[s] != nil }

    /// P(s1 | s2): probability of placing `s1` on a site that `s2` occupied (pymatgen's `cond_prob`);
    /// 0 when `s2` has no λ data.
    public func conditionalProbability(_ s1: Species, replacing s2: Species) -> Double {
        guard let p = px[s2] else { return 0 }
        return exp(lambda(s1, s2)) / p
    }

    /// Product of P(new[i] | old[i]) (pymatgen's `cond_prob_list`).
    public func probability(of new: [Species], replacing old: [Species]) -> Double {
        precondition(new.count == old.count, "one new species per old species")
        return zip(new, old).reduce(1) { $0 * conditionalProbability($1.0, replacing: $1.1) }
    }

    /// Pair probability exp λ / Z (pymatgen's `prob`).
    public func probability(_ s1: Species, _ s2: Species) -> Double { exp(lambda(s1, s2)) / z }
}
