import Crystal
import KilnSupport

extension StructureMatcher {
    /// Groups structures into classes of matching ones, as pymatgen's `group_structures`: within
    /// each composition class, the first unassigned structure collects every later one it fits.
    /// Returns indices into `structures`, each group in input order. Reductions and the fits of
    /// each round run on all cores; the result does not depend on the number of threads.
    public func group(_ structures: [Structure], symmetric: Bool = false) -> [[Int]] {
        group(prepared: WorkQueue.map(structures.count) { prepare(structures[$0]) }, symmetric: symmetric)
    }

    public func group(prepared: [PreparedStructure], symmetric: Bool = false) -> [[Int]] {
        precondition(!allowSubset, "allowSubset cannot be used to group structures")
        var byKey: [String: [Int]] = [:]
        var keyOrder: [String] = []
        for (i, p) in prepared.enumerated() {
            if byKey[p.compositionKey] == nil { keyOrder.append(p.compositionKey) }
            byKey[p.compositionKey, default: []].append(i)
        }
        var groups: [[Int]] = []
        for key in keyOrder {
            var unmatched = byKey[key]!
            while !unmatched.isEmpty {
                let ref = unmatched.removeFirst()
                let fits = WorkQueue.map(unmatched.count) { fit(prepared[ref], prepared[unmatched[$0]], symmetric: symmetric) }
                var members = [ref]
                var rest: [Int] = []
                for (j, fits) in zip(unmatched, fits) {
                    if fits { members.append(j) } else { rest.append(j) }
                }
                unmatched = rest
                groups.append(members)
            }
        }
        return groups
    }
}
