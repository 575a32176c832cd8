import Crystal
import Foundation
import Symmetry

/// Oxidation states from bond valences: pymatgen's `BVAnalyzer` (`pymatgen.core.bond_valence`).
///
/// 1. The bond-valence sum of each symmetry-distinct site is computed from its neighbours within
///    `maxRadius` with the element parameters of O'Keefe & Brese (JACS 113, 3226, 1991), distances
///    scaled by `distanceScale` (1.015 for GGA-like relaxed cells).
/// 2. Each oxidation state of the site's element gets the posterior P(state | BV sum) ∝
///    N(BV sum; mean, std of that state in the ICSD) × P(state in the ICSD).
/// 3. States within 1/100 of a site's most probable one are tried, most probable first, and the
///    charge-neutral assignment with the highest product of probabilities wins (an element's sites
///    may differ by at most one unit), after at most `maxPermutations` branches.
///
/// Ordered structures only, as pymatgen's `get_valences` returns one integer per site for them.
public struct BondValenceAnalyzer: Sendable {
    /// Tolerance (Å) for grouping symmetry-equivalent sites (pymatgen's `symm_tol`; angle tolerance 5°).
    public var symprec = SymmetryTolerance.symprec
    /// Neighbours within this distance (Å) contribute to a site's sum.
    public var maxRadius = 4.0
    /// Branches of the search tried before giving up.
    public var maxPermutations = 100_000
    /// Factor applied to every distance (pymatgen's `distance_scale_factor`; 1 for experimental cells).
    public var distanceScale = 1.015

    public init() {}

    /// One oxidation state per site, or `BondValenceError` when the structure is disordered, holds
    /// an element without bond-valence parameters, or no charge-neutral assignment is found.
    public func oxidationStates(of structure: Structure) throws -> [Int] {
        guard structure.isOrdered else { throw BondValenceError.disordered }
        let data = try BondValenceData.shared()
        let missing = Set(structure.sites.map(\.element)).filter { data.params[$0.symbol] == nil }
        guard missing.isEmpty else {
            throw BondValenceError.missingParameters(missing.map(\.symbol).sorted())
        }
        let analyzer = try SpacegroupAnalyzer(structure, symprec: symprec)
        // Symmetry-distinct sets, most electronegative element first (stable, as Python's sort).
        let sets = analyzer.symmetrizedStructure.equivalentIndices.enumerated().sorted { a, b in
            let xa = structure.sites[a.element[0]].element.electronegativity ?? -.infinity
            let xb = structure.sites[b.element[0]].element.electronegativity ?? -.infinity
            return xa != xb ? xa > xb : a.offset < b.offset
        }.map(\.element)

        let sums = bondValenceSums(structure, sites: sets.map { $0[0] }, params: data.params)
        var candidates: [[Int]] = []
        var probabilities: [[Int: Double]] = []
        for (k, set) in sets.enumerated() {
            let symbol = structure.sites[set[0]].element.symbol
            var prob: [(Int, Double)] = data.species.filter { $0.symbol == symbol && $0.state != 0 && $0.std > 0 }.map {
                ($0.state, exp(-(sums[k] - $0.mean) * (sums[k] - $0.mean) / 2 / ($0.std * $0.std)) / $0.std * $0.prior)
            }
            let total = prob.reduce(0) { $0 + $1.1 }
            prob = prob.map { ($0.0, total > 0 ? $0.1 / total : 0) }
            let ordered = prob.enumerated().sorted { a, b in
                a.element.1 != b.element.1 ? a.element.1 > b.element.1 : a.offset < b.offset
            }.map(\.element)
            let kept = ordered.filter { $0.1 > 0.01 * (ordered.first?.1 ?? 0) }.map(\.0)
            guard !kept.isEmpty else {
                throw BondValenceError.unassignable("no oxidation state of \(symbol) fits its bond-valence sum \(String(format: "%.2f", sums[k]))")
            }
            candidates.append(kept)
            probabilities.append(Dictionary(prob, uniquingKeysWith: { a, _ in a }))
        }

        // Depth-first search over the candidates with charge-balance bounds (pymatgen's `_recurse`).
        let counts = sets.map(\.count)
        let lows = candidates.map { $0.min()! }, highs = candidates.map { $0.max()! }
        let symbols = sets.map { structure.sites[$0[0]].element.symbol }
        var branches = 0
        var best: [Int]? = nil
        var bestScore = 0.0
        func evaluate(_ v: [Int]) {
            var range: [String: (Int, Int)] = [:]
            for (k, s) in symbols.enumerated() {
                let r = range[s] ?? (v[k], v[k])
                range[s] = (min(r.0, v[k]), max(r.1, v[k]))
            }
            guard range.values.allSatisfy({ $0.1 - $0.0 <= 1 }) else { return }
            let score = v.indices.reduce(1.0) { $0 * probabilities[$1][v[$1]]! }
            if score > bestScore { best = v; bestScore = score }
        }
        func search(_ assigned: [Int]) {
            if branches > maxPermutations { return }
            let i = assigned.count
            var highest = 0, lowest = 0
            for k in sets.indices {
                highest += (k < i ? assigned[k] : highs[k]) * counts[k]
                lowest += (k < i ? assigned[k] : lows[k]) * counts[k]
            }
            if highest < 0 || lowest > 0 { branches += 1; return }
            if i == sets.count { evaluate(assigned); branches += 1; return }
            for v in candidates[i] { search(assigned + [v]) }
        }
        search([])
        guard let best else {
            throw BondValenceError.unassignable("no charge-neutral assignment of "
                + zip(symbols, candidates).map { "\($0) \($1.map { String(format: "%+d", $0) }.joined(separator: "/"))" }.joined(separator: ", ")
                + " within \(maxPermutations) tries")
        }
        var states = [Int](repeating: 0, count: structure.count)
        for (k, set) in sets.enumerated() { for i in set { states[i] = best[k] } }
        return states
    }

    /// The bond-valence sum of every site (valence units: positive on cations, negative on anions),
    /// the sums `oxidationStates(of:)` starts from; `BondValenceError.missingParameters` for an
    /// element without O'Keefe & Brese parameters.
    public func bondValenceSums(of structure: Structure) throws -> [Double] {
        let data = try BondValenceData.shared()
        let missing = Set(structure.sites.map(\.element)).filter { data.params[$0.symbol] == nil }
        guard missing.isEmpty else { throw BondValenceError.missingParameters(missing.map(\.symbol).sorted()) }
        return bondValenceSums(structure, sites: Array(structure.sites.indices), params: data.params)
    }

    /// The ICSD statistics of every non-zero oxidation state, keyed by element symbol and state
    /// (pymatgen's `icsd_bv.yaml`, the data of step 2): mean and standard deviation of the state's
    /// bond-valence sums (as `bondValenceSums` computes them) and how often it occurs.
    public static func icsdStatistics() throws -> [String: [Int: (mean: Double, std: Double, occurrence: Double)]] {
        var out: [String: [Int: (mean: Double, std: Double, occurrence: Double)]] = [:]
        for s in try BondValenceData.shared().species where s.state != 0 { out[s.symbol, default: [:]][s.state] = (s.mean, s.std, s.prior) }
        return out
    }

    /// pymatgen's `calculate_bv_sum` for the given sites: Σ exp((R − d·scale)/0.31) over neighbours of
    /// another element when either is an anion former, positive towards the more electronegative one.
    func bondValenceSums(_ s: Structure, sites: [Int], params: [String: (r: Double, c: Double)]) -> [Double] {
        var slot = [Int: Int]()
        for (k, i) in sites.enumerated() { slot[i] = k }
        var sums = [Double](repeating: 0, count: sites.count)
        NeighborList.forEachPair(in: s, cutoff: maxRadius) { i, j, _, d in
            guard let k = slot[i] else { return }
            let e1 = s.sites[i].element, e2 = s.sites[j].element
            guard e1 != e2, Self.anionFormers.contains(e1.symbol) || Self.anionFormers.contains(e2.symbol) else { return }
            let (r1, c1) = params[e1.symbol]!, (r2, c2) = params[e2.symbol]!
            let r = r1 + r2 - r1 * r2 * pow(c1.squareRoot() - c2.squareRoot(), 2) / (c1 * r1 + c2 * r2)
            let sign: Double = (e1.electronegativity ?? .nan) < (e2.electronegativity ?? .nan) ? 1 : -1
            sums[k] += exp((r - d * distanceScale) / 0.31) * sign
        }
        return sums
    }

    /// The electronegative elements of O'Keefe & Brese.
    static let anionFormers: Set<String> = ["H", "B", "C", "Si", "N", "P", "As", "Sb", "O", "S", "Se", "Te", "F", "Cl", "Br", "I"]
}

/// Why `BondValenceAnalyzer` could not assign oxidation states.
public enum BondValenceError: Error, CustomStringConvertible, Equatable {
    case disordered
    case missingParameters([String])
    case unassignable(String)

    public var description: String {
        switch self {
        case .disordered: return "bond-valence oxidation states need an ordered structure"
        case .missingParameters(let symbols): return "no bond-valence parameters for \(symbols.joined(separator: ", "))"
        case .unassignable(let why): return "oxidation states cannot be assigned by bond valence: \(why)"
        }
    }
}

/// The bundled bond-valence tables (`Resources/bond_valence.json`, scripts/build_bond_valence.py).
struct BondValenceData: Sendable {
    struct SpeciesStats: Sendable {
        var symbol: String
        var state: Int
        var mean: Double
        var std: Double
        var prior: Double
    }
    /// Element → (r, c) of O'Keefe & Brese.
    var params: [String: (r: Double, c: Double)]
    /// ICSD statistics per species, in pymatgen's order.
    var species: [SpeciesStats]

    private static let loaded: Result<BondValenceData, Error> = Result {
        guard let url = Bundle.module.url(forResource: "bond_valence", withExtension: "json") else {
            throw BondValenceError.missingParameters(["(bond_valence.json is missing from the bundle)"])
        }
        struct File: Decodable {
            var params: [String: [Double]]
            var species: [[JSONValue]]
        }
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        return BondValenceData(
            params: file.params.mapValues { (r: $0[0], c: $0[1]) },
            species: file.species.map {
                SpeciesStats(symbol: $0[0].text, state: Int($0[1].number), mean: $0[2].number, std: $0[3].number, prior: $0[4].number)
            })
    }

    static func shared() throws -> BondValenceData { try loaded.get() }
}

/// A JSON string or number (the rows of the species table mix them).
private enum JSONValue: Decodable {
    case text(String), number(Double)
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let d = try? c.decode(Double.self) { self = .number(d) } else { self = .text(try c.decode(String.self)) }
    }
    var text: String { if case .text(let s) = self { return s }; return "" }
    var number: Double { if case .number(let d) = self { return d }; return .nan }
}
