import Campaign
import Evaluation
import Foundation
import Properties

/// A candidate as the API lists it: identity, status, the verdicts and the evidence behind them.
public struct CandidateSummary: Codable, Sendable, Equatable {
    public var id: String
    public var formula: String
    public var status: CandidateStatus
    public var generator: String
    public var round: Int
    public var nSites: Int
    public var rank: Int?
    public var paretoFront: Int?
    public var spaceGroup: String?
    public var energyPerAtom: Double?
    public var formationEnergyPerAtom: Double?
    /// eV/atom above the campaign's hull; the committee's spread when it has one.
    public var energyAboveHull: Double?
    public var energyAboveHullSpread: Double?
    public var decomposition: String?
    public var stability: StabilityLevel?
    public var isUnique: Bool?
    public var novelty: NoveltyLevel?
    public var noveltyMatch: String?
    public var targetProbability: Double?
    public var properties: [String: PropertyValue]?
    public var model: String?
    public var error: String?
    /// The lab's evidence as of the last scoring (`LabEvidence`).
    public var synthesis: SynthesisResult?
    public var dftEnergyPerAtom: Double?
    public var measuredProperties: [String: PropertyValue]?

    init(_ r: CandidateRecord) {
        (id, formula, status, generator, round, nSites) = (r.id, r.formula, r.status, r.generator, r.round, r.nSites)
        (rank, paretoFront, spaceGroup) = (r.rank, r.paretoFront, r.spaceGroupAfter ?? r.spaceGroupBefore)
        (energyPerAtom, formationEnergyPerAtom, energyAboveHull) = (r.finalEnergyPerAtom, r.formationEnergyPerAtom, r.energyAboveHull)
        (energyAboveHullSpread, decomposition, stability) = (r.energyAboveHullSpread, r.decomposition, r.stability)
        (isUnique, novelty, noveltyMatch) = (r.isUnique, r.noveltyLevel, r.noveltyMatch)
        (targetProbability, properties, model, error) = (r.targetProbability, r.properties, r.model, r.error)
        (synthesis, dftEnergyPerAtom, measuredProperties) = (r.synthesis, r.dftEnergyPerAtom, r.measuredProperties)
    }
}

/// `GET …/candidates?status=relaxed&stability=stable&novelty=new_composition&unique=true&ranked=true&max_e_hull=0.1&band_gap_min=1&sort=e_hull&limit=50&offset=0`:
/// every filter optional, unknown parameters and bad values refused with what is allowed.
public struct CandidateQuery: Sendable {
    public enum Sort: String, CaseIterable, Sendable { case rank, eHull = "e_hull", formula, ordinal }
    public var status: CandidateStatus?
    public var stability: StabilityLevel?
    public var novelty: NoveltyLevel?
    public var unique: Bool?
    public var ranked: Bool?
    public var maxEHull: Double?
    /// `<property>_min` / `<property>_max` for a target property key (`band_gap_min=1`): the
    /// measured value where the lab sent one, else the prediction's mean; candidates without either are left out.
    public var propertyRanges: [String: ClosedRange<Double>] = [:]
    public var sort = Sort.rank
    public var limit = 100
    public var offset = 0

    public static let maxLimit = 1000

    public init(_ parameters: [String: String]) throws {
        for (key, value) in parameters {
            switch key {
            case "status": status = try Self.parse(key, value, CandidateStatus.init(rawValue:), CandidateStatus.allCases.map(\.rawValue))
            case "stability": stability = try Self.parse(key, value, StabilityLevel.init(rawValue:), StabilityLevel.allCases.map(\.rawValue))
            case "novelty": novelty = try Self.parse(key, value, NoveltyLevel.init(rawValue:), NoveltyLevel.allCases.map(\.rawValue))
            case "unique": unique = try Self.parse(key, value, { Bool($0) }, ["true", "false"])
            case "ranked": ranked = try Self.parse(key, value, { Bool($0) }, ["true", "false"])
            case "sort": sort = try Self.parse(key, value, Sort.init(rawValue:), Sort.allCases.map(\.rawValue))
            case "max_e_hull":
                guard let v = Double(value), v.isFinite else { throw QueryError("max_e_hull: '\(value)' is not a number (eV/atom)") }
                maxEHull = v
            case "limit":
                guard let v = Int(value), (1...Self.maxLimit).contains(v) else { throw QueryError("limit: expected 1…\(Self.maxLimit), got '\(value)'") }
                limit = v
            case "offset":
                guard let v = Int(value), v >= 0 else { throw QueryError("offset: expected a whole number ≥ 0, got '\(value)'") }
                offset = v
            case _ where Self.propertyBound(key) != nil:
                let (property, isMin) = Self.propertyBound(key)!
                guard let v = Double(value), v.isFinite else { throw QueryError("\(key): '\(value)' is not a number") }
                let r = propertyRanges[property] ?? -Double.infinity...Double.infinity
                guard isMin ? v <= r.upperBound : v >= r.lowerBound else { throw QueryError("\(key): the range of \(property) is empty") }
                propertyRanges[property] = isMin ? v...r.upperBound : r.lowerBound...v
            default:
                throw QueryError("unknown parameter '\(key)' (status, stability, novelty, unique, ranked, max_e_hull, "
                                 + "PROPERTY_min, PROPERTY_max, sort, limit, offset)")
            }
        }
    }

    /// The page of matching candidates and how many match in all.
    public func apply(_ records: [CandidateRecord]) -> (total: Int, page: [CandidateSummary]) {
        let kept = records.filter { r in
            (status.map { r.status == $0 } ?? true) && (stability.map { r.stability == $0 } ?? true)
                && (novelty.map { r.noveltyLevel == $0 } ?? true) && (unique.map { r.isUnique == $0 } ?? true)
                && (ranked.map { (r.rank != nil) == $0 } ?? true)
                && (maxEHull.map { m in r.energyAboveHull.map { $0 <= m } ?? false } ?? true)
                && propertyRanges.allSatisfy { key, range in
                    (r.measuredProperties?[key] ?? r.properties?[key]).map { range.contains($0.mean) } ?? false
                }
        }
        let sorted: [CandidateRecord]
        switch sort {
        case .rank: sorted = kept.sorted { ($0.rank ?? .max, $0.ordinal) < ($1.rank ?? .max, $1.ordinal) }
        case .eHull: sorted = kept.sorted { ($0.energyAboveHull ?? .infinity, $0.ordinal) < ($1.energyAboveHull ?? .infinity, $1.ordinal) }
        case .formula: sorted = kept.sorted { ($0.formula, $0.ordinal) < ($1.formula, $1.ordinal) }
        case .ordinal: sorted = kept.sorted { $0.ordinal < $1.ordinal }
        }
        return (kept.count, sorted.dropFirst(offset).prefix(limit).map(CandidateSummary.init))
    }

    /// The target property and whether it is a lower bound, for `band_gap_min` / `band_gap_max`.
    static func propertyBound(_ key: String) -> (String, Bool)? {
        for (suffix, isMin) in [("_min", true), ("_max", false)] where key.hasSuffix(suffix) {
            let property = String(key.dropLast(suffix.count))
            if TargetProperty(rawValue: property) != nil { return (property, isMin) }
        }
        return nil
    }

    private static func parse<T>(_ key: String, _ value: String, _ make: (String) -> T?, _ allowed: [String]) throws -> T {
        guard let v = make(value) else { throw QueryError("\(key): '\(value)' is not one of \(allowed.joined(separator: ", "))") }
        return v
    }
}

/// A bad query parameter (HTTP 400).
public struct QueryError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
