import Crystal

/// A phase diagram over any number of elements: the lower convex hull of formation energy per atom
/// over the composition simplex, with pymatgen's `PhaseDiagram` semantics.
///
/// Nothing is hulled globally. Entries are grouped by chemical system; the hull vertices of a
/// system are found (and memoised) only when a query needs them, from the vertices of its
/// subsystems and its own entries, so a query touches only the subsystems of its composition
/// (pymatgen's `PatchedPhaseDiagram` idea, without building every patch up front).
///
/// Rules, as pymatgen: the elemental reference of an element is its lowest-energy-per-atom pure
/// entry; per reduced composition only the lowest entry (first in input order on a tie) can be a
/// hull vertex; only entries with formation energy below −1e-11 eV/atom compete; a point exactly on
/// a facet or edge is not a vertex. The diagram is a class because it memoises per-system hulls;
/// it is not thread-safe (use one per thread).
public final class PhaseDiagram {
    /// All entries, in input order.
    public let entries: [ThermoEntry]
    /// The elements covered, by atomic number.
    public let elements: [Element]
    /// Index into `entries` of each element's reference, keyed by atomic number.
    let referenceIndex: [Int: Int]
    let refEnergyByZ: [Double]
    /// Per entry: sparse atom fractions (z, fraction), sorted by z.
    let fractions: [[(z: Int, x: Double)]]
    let masks: [ElementMask]
    /// Per entry: formation energy per atom.
    let formation: [Double]
    /// Per entry: composition group (same reduced composition) and the group's lowest entry.
    let group: [Int]
    let groupMinimum: [Int]
    /// Competing (negative-formation-energy, lowest-per-composition) compound entries by system.
    let candidates: [ElementMask: [Int]]
    /// Group of each reduced composition.
    let groupOf: [CompositionKey: Int]
    private var vertexCache: [ElementMask: [Int]] = [:]
    /// Per entry: whether it is a hull vertex (valid once its system's vertices are computed).
    private var vertexFlag: [Bool]

    /// A point must lie this far below the hull of the other points to be a vertex (eV/atom).
    static let vertexTolerance = 1e-9
    static let formationEnergyTolerance = 1e-11
    /// Decomposition shares at or below this are dropped (pymatgen's numerical_tol).
    static let fractionTolerance = 1e-8

    /// Builds the diagram. Throws when there are no entries or an element has no pure-element entry.
    public init(entries: [ThermoEntry]) throws {
        guard !entries.isEmpty else { throw ThermoError.emptySystem }
        self.entries = entries
        var fr: [[(z: Int, x: Double)]] = []
        fr.reserveCapacity(entries.count)
        var ms: [ElementMask] = []
        ms.reserveCapacity(entries.count)
        var allZ = Set<Int>()
        var refs: [Int: Int] = [:]
        var epa = [Double](repeating: 0, count: entries.count)
        for (i, e) in entries.enumerated() {
            let n = e.composition.numAtoms
            let items = e.composition.items.filter { $0.1 > Composition.amountTolerance }
                .map { (z: $0.0.z, x: $0.1 / n) }.sorted { $0.z < $1.z }
            fr.append(items)
            ms.append(ElementMask(zs: items.map(\.z)))
            epa[i] = e.energyPerAtom
            for it in items { allZ.insert(it.z) }
            if items.count == 1 {
                let z = items[0].z
                if let r = refs[z] { if epa[i] < epa[r] { refs[z] = i } } else { refs[z] = i }
            }
        }
        let missing = allZ.filter { refs[$0] == nil }
        guard missing.isEmpty else {
            throw ThermoError.missingElementalReference(missing.sorted().map { try! Element(z: $0).symbol })
        }
        var refE = [Double](repeating: 0, count: 130)
        for (z, i) in refs { refE[z] = epa[i] }
        var form = [Double](repeating: 0, count: entries.count)
        for (i, e) in entries.enumerated() {
            var ref = 0.0
            for (el, amt) in e.composition.items { ref += amt * refE[el.z] }
            form[i] = (e.energy - ref) / e.composition.numAtoms
        }
        var groupOf: [CompositionKey: Int] = [:]
        var grp = [Int](repeating: 0, count: entries.count)
        var gmin: [Int] = []
        for i in entries.indices {
            let key = CompositionKey(fr[i])
            if let g = groupOf[key] {
                grp[i] = g
                if epa[i] < epa[gmin[g]] { gmin[g] = i }
            } else {
                groupOf[key] = gmin.count
                grp[i] = gmin.count
                gmin.append(i)
            }
        }
        var cand: [ElementMask: [Int]] = [:]
        for i in gmin where fr[i].count > 1 && form[i] < -Self.formationEnergyTolerance {
            cand[ms[i], default: []].append(i)
        }
        self.elements = allZ.sorted().map { try! Element(z: $0) }
        self.referenceIndex = refs
        self.refEnergyByZ = refE
        self.fractions = fr
        self.masks = ms
        self.formation = form
        self.group = grp
        self.groupMinimum = gmin
        self.candidates = cand
        self.groupOf = groupOf
        self.vertexFlag = [Bool](repeating: false, count: entries.count)
        for i in refs.values { vertexFlag[i] = true }
    }

    // MARK: Hull vertices

    /// Hull vertices among the compound entries of exactly this system (memoised).
    func vertices(ofSystem s: ElementMask) -> [Int] {
        if let v = vertexCache[s] { return v }
        guard let own = candidates[s] else { vertexCache[s] = []; return [] }
        let zs = s.zs
        var pool = makePool(zs: zs, subsystemsOf: s, includeSelf: false)
        let first = pool.count
        for i in own { pool.append(fractions: dense(i, zs), formationEnergy: formation[i], owner: i) }
        var out: [Int] = []
        for r in first..<pool.count {
            let i = pool.owner[r]
            let sol = pool.lowerHull(at: dense(i, zs), excluded: { $0 == r })
            if sol.energy - formation[i] > Self.vertexTolerance {
                out.append(i)
                vertexFlag[i] = true
            }
        }
        vertexCache[s] = out
        return out
    }

    /// Systems with candidates that are subsets of `s` (proper ones unless `includeSelf`).
    private func subsystems(_ s: ElementMask, zs: [Int], includeSelf: Bool) -> [ElementMask] {
        var out: [ElementMask] = []
        if zs.count <= 20 && (1 << zs.count) <= 4 * candidates.count {
            for m in ElementMask.subsets(of: zs) where m.count > 1 && candidates[m] != nil {
                out.append(m)
            }
        } else {
            for m in candidates.keys where m.isSubset(of: s) { out.append(m) }
        }
        return includeSelf ? out : out.filter { $0 != s }
    }

    /// Pool with the elemental references (rows 0..<k) and the vertices of the subsystems of `s`.
    func makePool(zs: [Int], subsystemsOf s: ElementMask, includeSelf: Bool) -> HullPool {
        var pool = HullPool(k: zs.count)
        for (j, z) in zs.enumerated() {
            var unit = [Double](repeating: 0, count: zs.count)
            unit[j] = 1
            pool.append(fractions: unit, formationEnergy: 0, owner: referenceIndex[z]!)
        }
        for m in subsystems(s, zs: zs, includeSelf: includeSelf) {
            for v in vertices(ofSystem: m) {
                pool.append(fractions: dense(v, zs), formationEnergy: formation[v], owner: v)
            }
        }
        return pool
    }

    /// Atom fractions of entry i in the local order `zs`.
    func dense(_ i: Int, _ zs: [Int]) -> [Double] { Self.dense(fractions[i], zs) }

    static func dense(_ fr: [(z: Int, x: Double)], _ zs: [Int]) -> [Double] {
        var out = [Double](repeating: 0, count: zs.count)
        var j = 0
        for (z, x) in fr {
            while zs[j] != z { j += 1 }
            out[j] = x
        }
        return out
    }

    /// The hull vertices (one per stable composition), in input order.
    public var stableEntries: [ThermoEntry] { stableIndices.map { entries[$0] } }

    /// Indices of the hull vertices, in input order.
    public var stableIndices: [Int] {
        var out = Array(referenceIndex.values)
        for s in candidates.keys { out += vertices(ofSystem: s) }
        return out.sorted()
    }

    func isVertex(_ i: Int) -> Bool {
        if fractions[i].count > 1 { _ = vertices(ofSystem: masks[i]) }
        return vertexFlag[i]
    }
}

/// A reduced composition as sorted atomic numbers and atom fractions quantised at 1e-10.
struct CompositionKey: Hashable {
    var z: [Int]
    var q: [Int64]

    init(_ fr: [(z: Int, x: Double)]) {
        z = fr.map(\.z)
        q = fr.map { Int64(($0.x * 1e10).rounded()) }
    }
}
