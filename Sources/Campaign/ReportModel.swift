import Crystal
import Foundation

/// A candidate shown in the report with the candidates that duplicate it folded under it.
public struct CandidateGroup: Sendable, Equatable {
    public var representative: CandidateRecord
    /// Candidates whose `duplicateOf` chain ends at the representative, in generation order.
    public var duplicates: [CandidateRecord]
}

/// How the report lists candidates: unique ones only, each with its duplicates folded under it.
public enum CandidateFolding {
    /// Groups relaxed and failed candidates with their duplicates (before or after relaxation;
    /// chains of `duplicateOf` are followed to their end): ranked groups in rank order, then the
    /// others (unranked or failed) in generation order. Invalid and unprocessed candidates are left out.
    public static func fold(_ records: [CandidateRecord]) -> (ranked: [CandidateGroup], other: [CandidateGroup]) {
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        // The end of the chain; in a cycle (a corrupt store), its earliest member.
        func root(_ r: CandidateRecord) -> String {
            var chain = [r]
            while let next = chain.last!.duplicateOf.flatMap({ byID[$0] }) {
                if let start = chain.firstIndex(where: { $0.id == next.id }) {
                    return chain[start...].min { $0.ordinal < $1.ordinal }!.id
                }
                chain.append(next)
            }
            return chain.last!.id
        }
        let shown: Set<CandidateStatus> = [.relaxed, .failed, .duplicate]
        var groups: [String: CandidateGroup] = [:]
        var order: [String] = []
        for r in records.sorted(by: { $0.ordinal < $1.ordinal }) where shown.contains(r.status) {
            let top = root(r)
            guard let rep = byID[top], rep.status == .relaxed || rep.status == .failed else { continue }
            if groups[top] == nil {
                groups[top] = CandidateGroup(representative: rep, duplicates: [])
                order.append(top)
            }
            if r.id != top { groups[top]!.duplicates.append(r) }
        }
        let all = order.map { groups[$0]! }
        let ranked = all.filter { $0.representative.rank != nil }.sorted { $0.representative.rank! < $1.representative.rank! }
        return (ranked, all.filter { $0.representative.rank == nil })
    }
}

/// What the report's detail panel shows about one candidate's (relaxed, else initial) structure.
public struct CandidateDetail: Sendable, Equatable {
    /// a, b, c (Å), α, β, γ (°).
    public var latticeParameters: [Double]
    public var volumePerAtom: Double
    /// g/cm³.
    public var density: Double
    /// Element of each site, in stored order (for per-site values).
    public var siteElements: [Element]
    /// CHGNet magnetic moment of each site (µB), when stored.
    public var magneticMoments: [Double]?
    /// Oxidation state of each site (e.g. bond-valence sums), when an analysis supplied them.
    public var oxidationStates: [Double]?
    public var scene: CellScene

    public init(_ structure: Structure, magneticMoments: [Double]? = nil) {
        latticeParameters = structure.lattice.parameters
        volumePerAtom = structure.volumePerAtom
        density = structure.density
        siteElements = structure.sites.map(\.element)
        self.magneticMoments = magneticMoments?.count == structure.count ? magneticMoments : nil
        scene = CellScene(structure)
    }

    /// Per-site values averaged per element, e.g. "Li 0.00, Mn 3.61, O 0.05", in order of first appearance.
    public func perElement(_ values: [Double], format: String) -> String {
        var order: [Element] = []
        var sums: [Element: (Double, Int)] = [:]
        for (el, v) in zip(siteElements, values) {
            if sums[el] == nil { order.append(el) }
            sums[el, default: (0, 0)].0 += v
            sums[el, default: (0, 0)].1 += 1
        }
        return order.map { "\($0.symbol) " + String(format: format, sums[$0]!.0 / Double(sums[$0]!.1)) }.joined(separator: ", ")
    }
}

/// Where the campaign file came from, for the report's provenance block.
public struct CampaignFile: Sendable, Equatable {
    public var path: String
    public var text: String
    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}
