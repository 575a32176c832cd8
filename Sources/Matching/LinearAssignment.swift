/// Minimum-cost assignment of rows to columns (rows ≤ columns), by the shortest augmenting path
/// method of Crouse (2016), the algorithm behind SciPy's `linear_sum_assignment`. Ties are broken
/// the same way SciPy breaks them, so equal-cost matchings come out identical.
public enum LinearAssignment {
    /// Column assigned to each row of a row-major `rows × cols` cost matrix, or nil when no
    /// finite-cost assignment exists.
    public static func solve(_ input: UnsafeBufferPointer<Double>, rows nr: Int, cols nc: Int) -> [Int]? {
        precondition(nr <= nc && input.count == nr * nc, "cost matrix must be rows × cols with rows ≤ cols")
        if nr == 0 { return [] }
        let minValue = input.min()!
        var cost = [Double](repeating: 0, count: nr * nc)
        for k in 0..<(nr * nc) { cost[k] = input[k] - minValue }
        var u = [Double](repeating: 0, count: nr), v = [Double](repeating: 0, count: nc)
        var shortest = [Double](repeating: .infinity, count: nc)
        var path = [Int](repeating: -1, count: nc)
        var col4row = [Int](repeating: -1, count: nr), row4col = [Int](repeating: -1, count: nc)
        var inRows = [Bool](repeating: false, count: nr), inCols = [Bool](repeating: false, count: nc)
        var remaining = [Int](repeating: 0, count: nc)

        for current in 0..<nr {
            // Dijkstra-like search for the shortest augmenting path from `current`.
            var minVal = 0.0
            var count = nc
            for k in 0..<nc { remaining[k] = nc - k - 1 }
            for k in 0..<nr { inRows[k] = false }
            for k in 0..<nc { inCols[k] = false; shortest[k] = .infinity }
            var i = current
            var sink = -1
            while sink == -1 {
                var index = -1
                var lowest = Double.infinity
                inRows[i] = true
                let base = i * nc
                for it in 0..<count {
                    let j = remaining[it]
                    let r = minVal + cost[base + j] - u[i] - v[j]
                    if r < shortest[j] { path[j] = i; shortest[j] = r }
                    if shortest[j] < lowest || (shortest[j] == lowest && row4col[j] == -1) {
                        lowest = shortest[j]
                        index = it
                    }
                }
                minVal = lowest
                if minVal == .infinity || index < 0 { return nil }
                let j = remaining[index]
                if row4col[j] == -1 { sink = j } else { i = row4col[j] }
                inCols[j] = true
                count -= 1
                remaining[index] = remaining[count]
            }
            // Update the dual variables.
            u[current] += minVal
            for r in 0..<nr where inRows[r] && r != current { u[r] += minVal - shortest[col4row[r]] }
            for c in 0..<nc where inCols[c] { v[c] -= minVal - shortest[c] }
            // Augment along the path.
            var j = sink
            while true {
                let r = path[j]
                row4col[j] = r
                swap(&col4row[r], &j)
                if r == current { break }
            }
        }
        return col4row
    }

    /// Same, on an array.
    public static func solve(_ cost: [Double], rows: Int, cols: Int) -> [Int]? {
        cost.withUnsafeBufferPointer { solve($0, rows: rows, cols: cols) }
    }
}
