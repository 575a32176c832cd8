/// First Wasserstein distance between two empirical 1-D distributions with equal weights per
/// sample (scipy's `wasserstein_distance`): the integral of |F_u − F_v| over the line.
public func wassersteinDistance(_ u: [Double], _ v: [Double]) -> Double? {
    guard !u.isEmpty, !v.isEmpty else { return nil }
    let a = u.sorted(), b = v.sorted()
    let all = (a + b).sorted()
    var i = 0, j = 0, total = 0.0
    for k in 0..<(all.count - 1) {
        let x = all[k]
        while i < a.count && a[i] <= x { i += 1 }
        while j < b.count && b[j] <= x { j += 1 }
        total += abs(Double(i) / Double(a.count) - Double(j) / Double(b.count)) * (all[k + 1] - x)
    }
    return total
}
