import Crystal
import Generation
import Matching

/// Novelty against a reference set: a structure is novel when no reference matches it. Ordered
/// references are compared with pymatgen's default tolerances and the element comparator;
/// disordered references with the order–disorder comparator (a disordered site matches any of
/// its elements) and supercells allowed (an ordering needs a larger cell than its disordered
/// parent), each through a `StructureIndex` that only compares structures whose
/// composition keys agree. Formula novelty asks only whether the reduced formula is known.
public struct NoveltyChecker: Sendable {
    private let ordered: StructureIndex
    private let disordered: StructureIndex?
    private let formulas: Set<String>

    /// References and the reduced formulas counted as known (the references' own are added).
    public init(references: [Structure], knownFormulas: Set<String> = [], ltol: Double = 0.2, stol: Double = 0.3,
                angleTol: Double = 5) {
        var o: [Structure] = [], d: [Structure] = []
        var f = knownFormulas
        for s in references {
            if s.isOrdered { o.append(s) } else { d.append(s) }
            f.insert(s.composition.reducedFormula)
        }
        ordered = StructureIndex(references: o, matcher: StructureMatcher(ltol: ltol, stol: stol, angleTol: angleTol, comparator: .element))
        disordered = d.isEmpty ? nil : StructureIndex(references: d, matcher: StructureMatcher(
            ltol: ltol, stol: stol, angleTol: angleTol, attemptSupercell: true, comparator: .disorder))
        formulas = f
    }

    /// The built-in Materials Project structures, with every formula of the bundled MP hull
    /// reference (`Thermo.MPReference`) passed in `knownFormulas`.
    public static func materialsProject(knownFormulas: Set<String> = []) throws -> NoveltyChecker {
        let mp = try ReferenceStructures.mp()
        return NoveltyChecker(references: mp.indices.map(mp.structure(at:)), knownFormulas: knownFormulas)
    }

    /// Number of references of each kind.
    public var referenceCount: (ordered: Int, disordered: Int) { (ordered.references.count, disordered?.references.count ?? 0) }

    /// True when no reference structure matches.
    public func isNovel(_ s: Structure) -> Bool {
        ordered.isNovel(s) && (disordered?.isNovel(s) ?? true)
    }

    /// Novelty of many structures, spread over the available cores.
    public func novelty(_ structures: [Structure]) -> [Bool] {
        let a = ordered.novelty(structures)
        guard let disordered else { return a }
        let b = disordered.novelty(structures)
        return zip(a, b).map { $0 && $1 }
    }

    /// True when the reduced formula is not among the known formulas.
    public func isNovelFormula(_ c: Composition) -> Bool { !formulas.contains(c.reducedFormula) }
}
