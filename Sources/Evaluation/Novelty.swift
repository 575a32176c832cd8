import Crystal
import KilnSupport
import Matching
import ReferenceData

/// Novelty against a reference set: a structure is novel when no reference matches it. Ordered
/// references are compared with pymatgen's default tolerances and the element comparator;
/// disordered references with the order–disorder comparator (a disordered site matches any of
/// its elements) and supercells allowed (an ordering needs a larger cell than its disordered
/// parent), each through a `StructureIndex` that only compares structures whose
/// composition keys agree. Formula novelty asks only whether the reduced formula is known.
public struct NoveltyChecker: Sendable {
    private let ordered: StructureIndex
    private let disordered: StructureIndex?
    private let orderedIDs: [String]
    private let disorderedIDs: [String]
    private let formulas: Set<String>

    /// References (with their ids; default "reference N") and the reduced formulas counted as
    /// known (the references' own are added).
    public init(references: [Structure], ids: [String]? = nil, knownFormulas: Set<String> = [], ltol: Double = 0.2,
                stol: Double = 0.3, angleTol: Double = 5) {
        var o: [Structure] = [], d: [Structure] = [], oi: [String] = [], di: [String] = []
        var f = knownFormulas
        for (i, s) in references.enumerated() {
            let id = ids?[i] ?? "reference \(i + 1)"
            if s.isOrdered { o.append(s); oi.append(id) } else { d.append(s); di.append(id) }
            f.insert(s.composition.reducedFormula)
        }
        ordered = StructureIndex(references: o, matcher: StructureMatcher(ltol: ltol, stol: stol, angleTol: angleTol, comparator: .element))
        disordered = d.isEmpty ? nil : StructureIndex(references: d, matcher: StructureMatcher(
            ltol: ltol, stol: stol, angleTol: angleTol, attemptSupercell: true, comparator: .disorder))
        orderedIDs = oi
        disorderedIDs = di
        formulas = f
    }

    /// The built-in Materials Project structures of any size (those made of `elements` only, when
    /// given, and without `hiddenFormulas`). Known formulas: `knownFormulas` (e.g. the MP hull
    /// reference's), the MP composition tables' (`mpTableFormulas`) and the structures' own, all
    /// without `hiddenFormulas`.
    public static func materialsProject(elements: Set<Element>? = nil, hiddenFormulas: Set<String> = [],
                                        knownFormulas: Set<String> = []) throws -> NoveltyChecker {
        let mp = try ReferenceStructures.mp()
        let keep = mp.indices.filter { j in
            (elements.map { Set(mp.elements(at: j)).isSubset(of: $0) } ?? true)
                && (hiddenFormulas.isEmpty || !hiddenFormulas.contains(mp.composition(at: j).reducedFormula))
        }
        let known = knownFormulas.union(try mpTableFormulas()).subtracting(hiddenFormulas)
        return NoveltyChecker(references: keep.map(mp.structure(at:)), ids: keep.map(mp.id(at:)), knownFormulas: known)
    }

    /// Reduced formulas of `ReferenceData.MPKnownFormulas`: compositions MP lists that the bundled
    /// energy table lacks (decoded once per process).
    public static func mpTableFormulas() throws -> Set<String> { try cachedTableFormulas.get() }

    private static let cachedTableFormulas = Result<Set<String>, Error> {
        Set(try MPKnownFormulas.rows().map { try Composition($0.formula).reducedFormula })
    }

    /// Number of references of each kind.
    public var referenceCount: (ordered: Int, disordered: Int) { (ordered.references.count, disordered?.references.count ?? 0) }

    /// Id of the first reference matching `s` (ordered references first); nil when `s` is novel.
    public func firstMatch(_ s: Structure) -> String? {
        if let i = ordered.matches(s, firstOnly: true).first { return orderedIDs[i] }
        return disordered?.matches(s, firstOnly: true).first.map { disorderedIDs[$0] }
    }

    /// `firstMatch` of many structures, spread over the available cores.
    public func firstMatches(_ structures: [Structure]) -> [String?] {
        WorkQueue.map(structures.count) { firstMatch(structures[$0]) }
    }

    /// True when no reference structure matches.
    public func isNovel(_ s: Structure) -> Bool { firstMatch(s) == nil }

    /// Novelty of many structures, spread over the available cores.
    public func novelty(_ structures: [Structure]) -> [Bool] { firstMatches(structures).map { $0 == nil } }

    /// True when the reduced formula is not among the known formulas.
    public func isNovelFormula(_ c: Composition) -> Bool { !formulas.contains(c.reducedFormula) }
}
