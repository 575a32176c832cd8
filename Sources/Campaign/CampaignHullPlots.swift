import Thermo

extension CampaignRunner {
    /// One hull plot per binary or ternary target system: the campaign's candidates in it marked,
    /// ranked ones labelled by rank (the report's numbering), each with formula, rank, E_hull and
    /// space group on hover.
    func hullPlots(_ pd: PhaseDiagram, _ results: [HullResult], records: [CandidateRecord]) -> [(system: String, svg: String)] {
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var plots: [(system: String, svg: String)] = []
        for system in spec.chemicalSystems where system.count == 2 || system.count == 3 {
            let mine = results.filter { Set($0.entry.composition.elements).isSubset(of: Set(system)) }
                .compactMap { r in byID[r.entry.id].map { (r, $0) } }
                .sorted { ($0.1.rank ?? .max, $0.1.ordinal) < ($1.1.rank ?? .max, $1.1.ordinal) }
            let marks = mine.map { r, c in HullPlot.Mark(result: r, label: c.rank.map(String.init), detail: Self.hoverText(c)) }
            if let svg = try? HullPlot.svg(pd, elements: system, marks: marks) {
                plots.append((system.map(\.symbol).joined(separator: "-"), svg))
            }
        }
        return plots
    }

    /// "rank 3 · Li2MnO3 (id) · E_hull 0.021 eV/atom · C2/m (12)"; unranked candidates say why.
    static func hoverText(_ c: CandidateRecord) -> String {
        let rank = c.rank.map { "rank \($0)" } ?? (c.isUnique == false ? "duplicate of \(c.duplicateOf ?? "?")" : "unranked")
        let eHull = c.energyAboveHull.map { String(format: "E_hull %.3f eV/atom", $0) } ?? "E_hull –"
        return [rank, "\(c.formula) (\(c.id))", eHull, c.spaceGroupAfter ?? "space group –"].joined(separator: " · ")
    }
}
