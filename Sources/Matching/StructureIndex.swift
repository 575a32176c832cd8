import Crystal
import Foundation
import KilnSupport

/// A reference set of structures indexed by composition, for asking which references match a
/// candidate (novelty and uniqueness checks against large databases). Only references with the
/// candidate's composition key (and, when exact, its reduced site count) are ever compared, and
/// each reference is reduced lazily the first time its bucket is visited, then cached.
public final class StructureIndex: @unchecked Sendable {
    public let matcher: StructureMatcher
    public let references: [Structure]
    /// Require a match in both directions (see `StructureMatcher.fit(_:_:symmetric:)`).
    public let symmetric: Bool
    private let buckets: [String: [Int]]
    private var prepared: [PreparedStructure?]
    private let lock = NSLock()

    /// Indexes `references` for matching with `matcher` (subset matching compares every reference).
    public init(references: [Structure], matcher: StructureMatcher = StructureMatcher(), symmetric: Bool = false) {
        self.matcher = matcher
        self.references = references
        self.symmetric = symmetric
        var b: [String: [Int]] = [:]
        for (i, s) in references.enumerated() { b[matcher.allowSubset ? "" : matcher.comparator.compositionKey(s), default: []].append(i) }
        buckets = b
        prepared = Array(repeating: nil, count: references.count)
    }

    /// Number of references sharing a composition key with `candidate` (the work a query costs).
    public func candidateCount(_ candidate: Structure) -> Int {
        buckets[key(candidate)]?.count ?? 0
    }

    /// Indices of the references that match `candidate` (`fit(reference, candidate)`, the reference
    /// in pymatgen's struct1 role as in `group_structures`).
    public func matches(_ candidate: Structure, firstOnly: Bool = false) -> [Int] {
        guard let bucket = buckets[key(candidate)] else { return [] }
        let c = matcher.prepare(candidate)
        var out: [Int] = []
        for i in bucket {
            let ref = reference(i)
            if matcher.fit(ref, c, symmetric: symmetric) {
                out.append(i)
                if firstOnly { break }
            }
        }
        return out
    }

    /// True when no reference matches `candidate`.
    public func isNovel(_ candidate: Structure) -> Bool { matches(candidate, firstOnly: true).isEmpty }

    /// Novelty of many candidates, spread over the available cores.
    public func novelty(_ candidates: [Structure]) -> [Bool] {
        WorkQueue.map(candidates.count) { isNovel(candidates[$0]) }
    }

    private func key(_ s: Structure) -> String { matcher.allowSubset ? "" : matcher.comparator.compositionKey(s) }

    private func reference(_ i: Int) -> PreparedStructure {
        lock.lock()
        if let p = prepared[i] { lock.unlock(); return p }
        lock.unlock()
        let p = matcher.prepare(references[i])
        lock.lock()
        prepared[i] = p
        lock.unlock()
        return p
    }
}
