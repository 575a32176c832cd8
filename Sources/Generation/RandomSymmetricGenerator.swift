import Crystal
import Foundation
import Symmetry

/// Random crystals with a chosen space group (in the spirit of PyXtal/AIRSS): for each attempt it
/// picks a target system (uniformly among those with a usable composition), a (charge-balanced)
/// reduced formula of at most `maxFormulaAtoms` atoms — with probability `commonShare` one that
/// balances with pymatgen's common oxidation states — and a number of formula units, a space
/// group whose Wyckoff positions can hold those atom counts, a lattice of that crystal system with
/// a volume near `VolumeEstimator`'s, and places every orbit at random free coordinates so that no
/// two atoms are closer than `distanceFactor` × the sum of their covalent radii.
/// Deterministic from the seed; bounded by `maxAttempts` and `timeLimit`.
public struct RandomSymmetricGenerator: StructureGenerator, Equatable {
    public var name: String { "random-symmetric" }
    /// Space groups to draw from (uniformly among those compatible with the atom counts).
    public var spaceGroups: [Int]
    /// Minimum distance = distanceFactor × (r_cov(a) + r_cov(b)).
    public var distanceFactor: Double
    /// Cell volume = estimate × a uniform draw from this range.
    public var volumeFactor: ClosedRange<Double>
    /// Failed attempts (composition + group + lattice + placement) in a row, i.e. per candidate,
    /// before giving up.
    public var maxAttempts: Int
    /// Seconds before giving up.
    public var timeLimit: Double
    /// Random coordinates tried per Wyckoff orbit before the attempt is abandoned.
    public var placementTries: Int
    /// Share of attempts drawing from compositions that balance with common oxidation states
    /// (when there are any); the rest draw from all compositions the target allows.
    public var commonShare: Double

    /// Most atoms in a reduced formula (the cell may hold several formula units up to `maxAtoms`).
    public var maxFormulaAtoms: Int

    /// Largest number of count vectors enumerated for one system (keeps composition setup fast).
    public static let maxCompositions = 200_000

    public init(spaceGroups: [Int] = Array(2...230), distanceFactor: Double = 0.75,
                volumeFactor: ClosedRange<Double> = 0.85...1.2, maxAttempts: Int = 200,
                timeLimit: Double = 60, placementTries: Int = 30, commonShare: Double = 0.8,
                maxFormulaAtoms: Int = 20) {
        self.spaceGroups = spaceGroups
        self.distanceFactor = distanceFactor
        self.volumeFactor = volumeFactor
        self.maxAttempts = maxAttempts
        self.timeLimit = timeLimit
        self.placementTries = placementTries
        self.commonShare = commonShare
        self.maxFormulaAtoms = maxFormulaAtoms
    }

    /// A composition to try: the system's elements and reduced atom counts.
    struct Formula {
        let elements: [Element]
        let counts: [Int]
        /// Balances with pymatgen's common oxidation states.
        let common: Bool
        var size: Int { counts.reduce(0, +) }
    }

    public func generate(target: GenerationTarget, budget: Int, seed: UInt64) throws -> [Candidate] {
        try cells(target: target, count: budget, seed: seed).map { candidate($0, seed: seed) }
    }

    /// The symmetric cells behind `generate`'s candidates (same arguments, same structures), for
    /// searches that move them in their parameter space. Throws as `generate` does.
    public func cells(target: GenerationTarget, count: Int, seed: UInt64) throws -> [WyckoffCell] {
        guard count > 0 else { return [] }
        if spaceGroups.isEmpty { throw GenerationError.invalidTarget("random-symmetric: no space groups allowed") }
        if let bad = spaceGroups.first(where: { !(1...230).contains($0) }) {
            throw GenerationError.invalidTarget("random-symmetric: space group \(bad) is outside 1–230")
        }
        guard distanceFactor >= 0, volumeFactor.lowerBound > 0, placementTries >= 1, maxAttempts >= 1,
              maxFormulaAtoms >= 1 else {
            throw GenerationError.invalidTarget("random-symmetric: distanceFactor must be ≥ 0, volumeFactor > 0, "
                + "placementTries, maxAttempts and maxFormulaAtoms ≥ 1")
        }
        return try run(target, count, seed)
    }

    private func candidate(_ cell: WyckoffCell, seed: UInt64) -> Candidate {
        Candidate(structure: cell.structure, provenance: Provenance(
            generator: name, seed: seed, spaceGroup: cell.template.spaceGroup, wyckoffPositions: cell.template.wyckoffPositions))
    }

    private func run(_ target: GenerationTarget, _ budget: Int, _ seed: UInt64) throws -> [WyckoffCell] {
        // Formulas of each system, enumerated when the system is first drawn; systems without any drop out.
        var formulas: [Int: (all: [Formula], common: [Formula])] = [:]
        var live = Array(target.systems.indices)
        let groups = try spaceGroups.map(WyckoffTable.group)
        var rng = SeededGenerator(seed: seed)
        let start = Date()
        var out: [WyckoffCell] = []
        var attempts = 0, failures = 0
        while out.count < budget {
            let elapsed = Date().timeIntervalSince(start)
            if failures >= maxAttempts || elapsed > timeLimit {
                let systems = target.systems.prefix(3).map(GenerationTarget.name).joined(separator: ", ")
                    + (target.systems.count > 3 ? ", …" : "")
                let why = failures >= maxAttempts
                    ? "\(failures) failed attempts in a row (limit \(maxAttempts))"
                    : String(format: "the time limit of %g s", timeLimit)
                throw GenerationError.limitReached(String(
                    format: "random-symmetric: %d of %d candidates for %@ after %d attempts in %.1f s, stopped by %@; "
                        + "lower distanceFactor (%.2f), widen volumeFactor or raise the limits",
                    out.count, budget, systems, attempts, elapsed, why, distanceFactor), partial: out.map { candidate($0, seed: seed) })
            }
            guard !live.isEmpty else {
                throw GenerationError.invalidTarget("no \(target.requireChargeBalance ? "charge-balanced " : "")composition of "
                    + target.systems.map(GenerationTarget.name).joined(separator: ", ")
                    + " fits in \(min(target.maxAtoms, maxFormulaAtoms)) atoms")
            }
            let pick = Int.random(in: 0..<live.count, using: &rng)
            let system = live[pick]
            if formulas[system] == nil {
                let all = try Self.formulas(target.systems[system], target, maxFormulaAtoms: maxFormulaAtoms)
                formulas[system] = (all, all.filter(\.common))
            }
            let (all, common) = formulas[system]!
            if all.isEmpty { live.remove(at: pick); continue }
            attempts += 1
            failures += 1
            let pool = !common.isEmpty && Double.random(in: 0..<1, using: &rng) < commonShare ? common : all
            let f = pool[Int.random(in: 0..<pool.count, using: &rng)]
            let units = Int.random(in: 1...(target.maxAtoms / f.size), using: &rng)
            if let cell = try attempt(f, units: units, groups: groups, rng: &rng) {
                out.append(cell)
                failures = 0
            }
        }
        return out
    }

    /// One try: a space group compatible with the counts, a lattice, and atom placement.
    private func attempt(_ f: Formula, units: Int, groups: [WyckoffTable], rng: inout SeededGenerator) throws -> WyckoffCell? {
        let counts = f.counts.map { $0 * units }
        var order = groups
        order.shuffle(using: &rng)
        var found: (WyckoffTable, [[Int]])?
        for g in order {
            if let a = WyckoffAssigner(group: g, counts: counts).assign(using: &rng) { found = (g, a); break }
        }
        guard let (group, assignment) = found else { return nil }
        let comp = Composition(zip(f.elements, counts).map { ($0, Double($1)) })
        let volume = try VolumeEstimator.volume(of: comp) * Double.random(in: volumeFactor, using: &rng)
        return WyckoffCell.random(WyckoffCell.Template(table: group, elements: f.elements, assignment: assignment),
                                  volume: volume, distanceFactor: distanceFactor, placementTries: placementTries, rng: &rng)
    }

    /// Reduced atom-count vectors of one system with at most min(`maxAtoms`, `maxFormulaAtoms`) atoms
    /// (charge balanced when the target asks for it).
    static func formulas(_ system: [Element], _ target: GenerationTarget, maxFormulaAtoms: Int) throws -> [Formula] {
        let limit = target.formulas.isEmpty ? min(target.maxAtoms, maxFormulaAtoms) : target.maxAtoms
        var out: [Formula] = []
        var enumerated = 0
        var counts = [Int](repeating: 0, count: system.count)
        func extend(_ k: Int, _ total: Int) throws {
            if k == system.count {
                enumerated += 1
                if enumerated > maxCompositions {
                    throw GenerationError.invalidTarget("\(GenerationTarget.name(system)) has more than \(maxCompositions) "
                        + "compositions with at most \(limit) atoms; lower maxFormulaAtoms")
                }
                guard counts.reduce(0, gcd) == 1 else { return }
                let comp = Composition(zip(system, counts).map { ($0, Double($1)) })
                if !target.formulas.isEmpty && !target.formulas.contains(comp.reducedFormula) { return }
                if !target.requireChargeBalance || ChargeBalance.isNeutral(comp, states: target.oxidationStates) {
                    out.append(Formula(elements: system, counts: counts, common: ChargeBalance.isNeutral(comp, states: .common)))
                }
                return
            }
            let left = system.count - k - 1  // each later element needs at least one atom
            guard limit - total - left >= 1 else { return }
            for n in 1...(limit - total - left) {
                counts[k] = n
                try extend(k + 1, total + n)
            }
        }
        try extend(0, 0)
        return out
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// Free lattice parameters (as `WyckoffCell.Template.parameters` lists them) of a random cell of
    /// the crystal system with the given volume; edge ratios within a factor e^0.8.
    static func randomLattice(_ system: CrystalSystem, volume: Double, rng: inout SeededGenerator) -> [Double] {
        func ratio() -> Double { exp(Double.random(in: -0.4...0.4, using: &rng)) }
        func angle(_ r: ClosedRange<Double>) -> Double { Double.random(in: r, using: &rng) }
        var (a, b, c) = (ratio(), ratio(), ratio())
        var (alpha, beta, gamma) = (90.0, 90.0, 90.0)
        switch system {
        case .triclinic:
            repeat {
                (alpha, beta, gamma) = (angle(70...110), angle(70...110), angle(70...110))
            } while Lattice(a: 1, b: 1, c: 1, alpha: alpha, beta: beta, gamma: gamma).volume < 0.6
        case .monoclinic: beta = angle(75...115)
        case .orthorhombic: break
        case .tetragonal: b = a
        case .trigonal, .hexagonal: b = a; gamma = 120
        case .cubic: (b, c) = (a, a)
        }
        let unit = Lattice(a: a, b: b, c: c, alpha: alpha, beta: beta, gamma: gamma)
        let k = cbrt(volume / unit.volume)
        switch system {
        case .triclinic: return [a * k, b * k, c * k, alpha, beta, gamma]
        case .monoclinic: return [a * k, b * k, c * k, beta]
        case .orthorhombic: return [a * k, b * k, c * k]
        case .tetragonal, .trigonal, .hexagonal: return [a * k, c * k]
        case .cubic: return [a * k]
        }
    }
}

/// Fast minimum-distance test against all periodic images within a cutoff.
struct DistanceChecker {
    let lattice: Lattice
    /// Cartesian lattice translations that can bring two points within the cutoff.
    let images: [Vec3]

    init(lattice: Lattice, cutoff: Double) {
        self.lattice = lattice
        let reach = (Vec3(repeating: cutoff) / lattice.interplanarSpacings + 0.5).rounded(.up)
        var imgs: [Vec3] = []
        for i in -Int(reach.x)...Int(reach.x) {
            for j in -Int(reach.y)...Int(reach.y) {
                for k in -Int(reach.z)...Int(reach.z) {
                    imgs.append(lattice.cartesian(Vec3(Double(i), Double(j), Double(k))))
                }
            }
        }
        images = imgs
    }

    /// True when no image of `b` lies closer than `d` to `a`; for `sameAtom` the atom itself
    /// (zero translation) is skipped and only its periodic images count.
    func apart(_ a: Vec3, _ b: Vec3, _ d: Double, sameAtom: Bool = false) -> Bool {
        var df = b - a
        df -= df.rounded(.toNearestOrEven)
        let c = lattice.cartesian(df)
        let d2 = d * d
        for v in images {
            let r = c + v
            let n2 = dot(r, r)
            if n2 < d2 && !(sameAtom && n2 < 1e-20) { return false }
        }
        return true
    }

    /// True when an orbit of kind `kind` keeps the minimum distances to itself and to the existing atoms.
    func fits(_ orbit: [Vec3], kind: Int, existing: [Vec3], kinds: [Int], dmin: [[Double]]) -> Bool {
        let own = dmin[kind][kind]
        for i in orbit.indices {
            for j in i..<orbit.count where !apart(orbit[i], orbit[j], own, sameAtom: i == j) { return false }
        }
        for (p, k) in zip(existing, kinds) {
            let d = dmin[kind][k]
            for q in orbit where !apart(q, p, d) { return false }
        }
        return true
    }
}
