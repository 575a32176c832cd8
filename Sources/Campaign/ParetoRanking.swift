/// NSGA-II's ranking of points with several objectives, all minimised (Deb, Pratap, Agarwal and
/// Meyarivan, IEEE Trans. Evol. Comput. 6, 182 (2002)): the fast non-dominated sort into Pareto
/// fronts, and the crowding distance that orders the points within a front (pymoo's
/// `NonDominatedSorting` and `calc_crowding_distance`).
public enum ParetoRanking {
    /// True when `a` is no worse than `b` in every objective and better in at least one.
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var better = false
        for (x, y) in zip(a, b) {
            if x > y { return false }
            if x < y { better = true }
        }
        return better
    }

    /// The Pareto fronts, best first: front 0 holds the points no other point dominates, front k
    /// those dominated only by points of fronts below k. Indices ascend within a front.
    public static func fronts(_ points: [[Double]]) -> [[Int]] {
        let n = points.count
        var dominated = [[Int]](repeating: [], count: n), count = [Int](repeating: 0, count: n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                if dominates(points[i], points[j]) {
                    dominated[i].append(j)
                    count[j] += 1
                } else if dominates(points[j], points[i]) {
                    dominated[j].append(i)
                    count[i] += 1
                }
            }
        }
        var fronts: [[Int]] = []
        var current = (0..<n).filter { count[$0] == 0 }
        while !current.isEmpty {
            fronts.append(current)
            var next: [Int] = []
            for i in current {
                for j in dominated[i] {
                    count[j] -= 1
                    if count[j] == 0 { next.append(j) }
                }
            }
            current = next.sorted()
        }
        return fronts
    }

    /// Crowding distance of each point of one front (same order as `front`), as pymoo computes it:
    /// along each objective the points are sorted (ties in front order), each gets its gaps to the
    /// previous and the next point divided by the front's range in that objective (infinite gaps
    /// beyond the first and last point), an objective in which the whole front is equal adds
    /// nothing, and the sum is divided by the number of objectives.
    public static func crowdingDistances(_ points: [[Double]], front: [Int]) -> [Double] {
        let m = front.count
        guard let objectives = front.first.map({ points[$0].count }) else { return [] }
        var distance = [Double](repeating: 0, count: m)
        for objective in 0..<objectives {
            let value = front.map { points[$0][objective] }
            let order = (0..<m).sorted { (value[$0], $0) < (value[$1], $1) }
            let range = value[order[m - 1]] - value[order[0]]
            guard range > 0 else { continue }
            for (k, i) in order.enumerated() {
                let last = k == 0 ? Double.infinity : (value[i] - value[order[k - 1]]) / range
                let next = k == m - 1 ? Double.infinity : (value[order[k + 1]] - value[i]) / range
                distance[i] += last + next
            }
        }
        return distance.map { $0 / Double(objectives) }
    }

    /// Front index (0 = non-dominated) and crowding distance of every point.
    public static func rank(_ points: [[Double]]) -> [(front: Int, crowding: Double)] {
        var result = [(front: Int, crowding: Double)](repeating: (0, 0), count: points.count)
        for (f, front) in fronts(points).enumerated() {
            for (i, d) in zip(front, crowdingDistances(points, front: front)) { result[i] = (f, d) }
        }
        return result
    }
}
