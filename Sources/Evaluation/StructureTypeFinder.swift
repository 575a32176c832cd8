import Crystal
import KilnSupport
import Matching
import ReferenceData

/// The AFLOW prototype a structure adopts, species ignored (pymatgen's `fit_anonymous`): a
/// prototype matches when some one-to-one mapping of the structure's elements onto the
/// prototype's, each pair with the same amount in the reduced formula, makes the two match with
/// `matcher` (pymatgen's defaults: volumes scaled, primitive cells). Only prototypes with the same
/// anonymous formula ("AB2C4") and primitive-cell size are compared; of several matches the one
/// with the smallest RMS displacement is taken. Disordered structures and prototypes are skipped.
public struct StructureTypeFinder: Sendable {
    /// A matched prototype.
    public struct Match: Sendable, Hashable {
        /// AFLOW label, e.g. "A2BC4_cF56_227_d_a_e".
        public var id: String
        /// "Spinel (Al₂MgO₄, H1₁), A2BC4_cF56_227_d_a_e": the description (else the prototype
        /// formula) and the label.
        public var name: String
    }

    private struct Prototype: Sendable {
        var id: String
        var name: String
        var structure: Structure
    }

    public var matcher = StructureMatcher()
    private let prototypes: [String: [Prototype]]

    /// The bundled AFLOW prototypes (`ReferenceStructures.aflowPrototypes()`), ordered ones only.
    public init() throws {
        let aflow = try ReferenceStructures.aflowPrototypes()
        self.init(aflow.indices.filter(aflow.isOrdered(at:)).map { j in
            let r = aflow[j]
            let what = r.metadata["description"] ?? r.metadata["prototype"] ?? r.formula
            return (r.id, "\(what), \(r.id)", r.structure)
        })
    }

    /// Prototypes given as (id, name, structure).
    public init(_ prototypes: [(id: String, name: String, structure: Structure)]) {
        var byKey: [String: [Prototype]] = [:]
        for p in prototypes {
            guard let key = Self.anonymousKey(p.structure.composition) else { continue }
            byKey[key, default: []].append(Prototype(id: p.id, name: p.name, structure: p.structure))
        }
        self.prototypes = byKey
    }

    /// The structure type of each structure (nil: no prototype matches), spread over the cores.
    /// Each prototype that shares a structure's anonymous formula is prepared once.
    public func structureTypes(_ structures: [Structure]) -> [Match?] {
        let matcher = self.matcher
        let keys = structures.map { $0.isOrdered ? Self.anonymousKey($0.composition) : nil }
        let needed = Array(Set(keys.compactMap { $0 }))
        let prepared = WorkQueue.map(needed.count) { k in (prototypes[needed[k]] ?? []).map { (matcher.prepare($0.structure), $0) } }
        let pool = Dictionary(uniqueKeysWithValues: zip(needed, prepared))
        return WorkQueue.map(structures.count) { i -> Match? in
            guard let key = keys[i], let candidates = pool[key], !candidates.isEmpty else { return nil }
            let s = structures[i]
            var best: (rms: Double, match: Match)?
            // The structure relabelled by each element mapping, keyed by the images of its elements.
            var relabelled: [[Element]: PreparedStructure] = [:]
            for (proto, p) in candidates {
                for mapping in Self.mappings(from: s.composition, to: p.structure.composition) {
                    let image = s.composition.elements.map { mapping[$0]! }
                    let r = relabelled[image] ?? matcher.prepare(Self.relabel(s, mapping))
                    relabelled[image] = r
                    guard r.reduced.count == proto.reduced.count, let d = matcher.rmsDistance(r, proto) else { continue }
                    if best == nil || d.rms < best!.rms { best = (d.rms, Match(id: p.id, name: p.name)) }
                }
            }
            return best?.match
        }
    }

    /// The structure type of one structure.
    public func structureType(_ s: Structure) -> Match? { structureTypes([s])[0] }

    /// The sorted amounts of the reduced integer formula ("1 2 4" for MgAl2O4); nil when an
    /// amount is not an integer.
    static func anonymousKey(_ c: Composition) -> String? {
        var counts: [Int] = []
        for (_, x) in c.items where x > Composition.amountTolerance {
            guard abs(x - x.rounded()) < 1e-6 else { return nil }
            counts.append(Int(x.rounded()))
        }
        guard !counts.isEmpty else { return nil }
        let g = counts.reduce(0) { gcd($0, $1) }
        return counts.map { $0 / g }.sorted().map(String.init).joined(separator: " ")
    }

    /// Every one-to-one mapping of `a`'s elements onto `b`'s that keeps each element's reduced amount.
    static func mappings(from a: Composition, to b: Composition) -> [[Element: Element]] {
        func reduced(_ c: Composition) -> [(Element, Int)] {
            let items = c.items.filter { $0.1 > Composition.amountTolerance }.map { ($0.0, Int($0.1.rounded())) }
            let g = items.reduce(0) { gcd($0, $1.1) }
            return items.map { ($0.0, $0.1 / max(g, 1)) }
        }
        let ra = reduced(a), rb = reduced(b)
        guard ra.count == rb.count else { return [] }
        var out: [[Element: Element]] = []
        func extend(_ k: Int, _ m: [Element: Element], _ used: Set<Element>) {
            if k == ra.count { out.append(m); return }
            for (e, n) in rb where n == ra[k].1 && !used.contains(e) {
                var m2 = m
                m2[ra[k].0] = e
                extend(k + 1, m2, used.union([e]))
            }
        }
        extend(0, [:], [])
        return out
    }

    private static func relabel(_ s: Structure, _ mapping: [Element: Element]) -> Structure {
        Structure(lattice: s.lattice, sites: s.sites.map { Site(mapping[$0.element]!, $0.frac) })
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? abs(a) : gcd(b, a % b) }
}
