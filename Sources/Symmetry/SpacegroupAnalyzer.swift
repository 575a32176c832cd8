import Crystal
import Foundation

/// pymatgen's `SpacegroupAnalyzer`: one spglib analysis of a structure and the views built on it.
/// Default symprec is Kiln's `SymmetryTolerance.symprec` (pymatgen's is 0.01 Å); angle tolerance 5° as pymatgen.
public struct SpacegroupAnalyzer: Hashable, Sendable {
    public let structure: Structure
    public let symprec: Double
    public let angleTolerance: Double
    public let dataset: SymmetryDataset

    /// Runs spglib once; throws `SymmetryError` when it finds no space group.
    public init(_ structure: Structure, symprec: Double = SymmetryTolerance.symprec, angleTolerance: Double = 5) throws {
        self.structure = structure
        self.symprec = symprec
        self.angleTolerance = angleTolerance
        dataset = try SymmetryDataset(structure, symprec: symprec, angleTolerance: angleTolerance)
    }

    public var spaceGroupNumber: Int { dataset.number }
    /// Short international symbol, e.g. "Fm-3m".
    public var spaceGroupSymbol: String { dataset.international }
    public var hallSymbol: String { dataset.hall }
    public var pointGroupSymbol: String { dataset.pointGroup }
    public var crystalSystem: CrystalSystem { CrystalSystem(spaceGroupNumber: dataset.number)! }
    public var latticeType: LatticeType {
        LatticeType(spaceGroupNumber: dataset.number, international: dataset.international)!
    }

    /// Sites grouped into symmetry-equivalent sets with their Wyckoff symbols.
    public var symmetrizedStructure: SymmetrizedStructure {
        SymmetrizedStructure(structure: structure, dataset: dataset)
    }

    /// spglib's refined cell (standardized conventional cell, idealized), sites sorted as
    /// pymatgen's `get_refined_structure` returns them (see `sortedLikePymatgen`).
    public func refinedStructure() throws -> Structure {
        sortedLikePymatgen(try structure.standardized(.conventional, symprec: symprec, angleTolerance: angleTolerance))
    }

    /// spglib's standardized primitive cell (idealized, in spglib's standard orientation).
    public func spglibPrimitiveStructure() throws -> Structure {
        try structure.standardized(.primitive, symprec: symprec, angleTolerance: angleTolerance)
    }
}

/// Sites in pymatgen's default order (`Site.__lt__`): by average electronegativity of the site's
/// species, ties by species string, otherwise stable. pymatgen gives elements without a Pauling
/// electronegativity (noble gases) NaN, which makes its order depend on Timsort's comparison
/// sequence; here they sort last. Only the order of sites differs in that case.
func sortedLikePymatgen(_ s: Structure) -> Structure {
    func key(_ site: Site) -> (Double, String) {
        var weighted = 0.0, total = 0.0
        for o in site.occupancy {
            guard let x = o.species.element.electronegativity else { return (.infinity, speciesString(site)) }
            weighted += x * o.occupancy
            total += o.occupancy
        }
        return (weighted / total, speciesString(site))
    }
    let keys = s.sites.map(key)
    let order = s.sites.indices.sorted { (keys[$0].0, keys[$0].1, $0) < (keys[$1].0, keys[$1].1, $1) }
    return Structure(lattice: s.lattice, sites: order.map { s.sites[$0] })
}

/// pymatgen's `species_string` for ordered sites ("Fe", "Fe2+"); disordered sites list
/// "El:occupancy" pairs.
private func speciesString(_ site: Site) -> String {
    if site.isOrdered { return site.species.description }
    return site.occupancy.map { "\($0.species.description):\(String(format: "%.3f", $0.occupancy))" }.joined(separator: ", ")
}
