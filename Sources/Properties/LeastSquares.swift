/// The small dense linear algebra the fits need.
enum LeastSquares {
    /// Least-squares slope of y against x (`numpy.polyfit(x, y, 1)[0]`).
    static func slope(x: [Double], y: [Double]) -> Double {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        return sxy / sxx
    }

    /// Coefficients [a, b, c] of the least-squares parabola a x² + b x + c (`numpy.polyfit(x, y, 2)`),
    /// or nil when the points do not determine one.
    static func parabola(x: [Double], y: [Double]) -> [Double]? {
        let rows = x.map { [$0 * $0, $0, 1] }
        var ata = [[Double]](repeating: [0, 0, 0], count: 3), aty = [0.0, 0, 0]
        for (r, v) in zip(rows, y) {
            for i in 0..<3 {
                aty[i] += r[i] * v
                for j in 0..<3 { ata[i][j] += r[i] * r[j] }
            }
        }
        guard let inv = inverse(ata) else { return nil }
        return (0..<3).map { i in (0..<3).reduce(0) { $0 + inv[i][$1] * aty[$1] } }
    }

    /// Gauss–Jordan inverse with partial pivoting; nil when the matrix is singular.
    static func inverse(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        let scale = a.joined().map(abs).max() ?? 0
        guard scale > 0, scale.isFinite else { return nil }
        var m = a.enumerated().map { i, row in row + (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for col in 0..<n {
            let p = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            guard abs(m[p][col]) > 1e-14 * scale else { return nil }
            m.swapAt(col, p)
            let pivot = m[col][col]
            m[col] = m[col].map { $0 / pivot }
            for r in 0..<n where r != col {
                let f = m[r][col]
                if f != 0 { m[r] = zip(m[r], m[col]).map { $0 - f * $1 } }
            }
        }
        return m.map { Array($0[n...]) }
    }
}
