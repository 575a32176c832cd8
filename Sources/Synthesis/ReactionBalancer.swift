/// An exact fraction of machine integers; arithmetic that would overflow gives nil.
struct ReactionFraction: Hashable, Sendable, CustomStringConvertible {
    let numerator: Int
    let denominator: Int

    static let zero = ReactionFraction(0)

    init(_ n: Int) { (numerator, denominator) = (n, 1) }

    /// n/d in lowest terms with a positive denominator; nil for d = 0.
    init?(_ n: Int, _ d: Int) {
        guard d != 0, n != .min, d != .min else { return nil }
        let g = Self.gcd(abs(n), abs(d))
        let s = d < 0 ? -1 : 1
        (numerator, denominator) = (s * n / g, s * d / g)
    }

    /// The fraction with denominator ≤ `maxDenominator` within 1e-9 of `x`; nil when there is none.
    init?(approximating x: Double, maxDenominator: Int = 1000) {
        guard x.isFinite, abs(x) < 1e9 else { return nil }
        for d in 1...maxDenominator {
            let n = (x * Double(d)).rounded()
            if abs(n / Double(d) - x) < 1e-9 { self.init(Int(n), d); return }
        }
        return nil
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? max(a, 1) : gcd(b, a % b) }

    var isZero: Bool { numerator == 0 }
    var value: Double { Double(numerator) / Double(denominator) }
    var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    static func + (a: Self, b: Self) -> Self? {
        let (x, o1) = a.numerator.multipliedReportingOverflow(by: b.denominator)
        let (y, o2) = b.numerator.multipliedReportingOverflow(by: a.denominator)
        let (n, o3) = x.addingReportingOverflow(y)
        let (d, o4) = a.denominator.multipliedReportingOverflow(by: b.denominator)
        return o1 || o2 || o3 || o4 ? nil : Self(n, d)
    }

    static func * (a: Self, b: Self) -> Self? {
        let (n, o1) = a.numerator.multipliedReportingOverflow(by: b.numerator)
        let (d, o2) = a.denominator.multipliedReportingOverflow(by: b.denominator)
        return o1 || o2 ? nil : Self(n, d)
    }

    static prefix func - (a: Self) -> Self { Self(-a.numerator, a.denominator)! }

    var reciprocal: Self? { Self(denominator, numerator) }
}

/// Exact solution of the element balance of a reaction: A·x = b over fractions, where A's columns
/// are the species (amount of each element per formula unit) and b the target's amounts.
enum ReactionBalancer {
    enum Solution: Equatable {
        /// One solution.
        case unique([ReactionFraction])
        /// A family of solutions (more species than independent element balances).
        case underdetermined
        /// No solution (an element cannot be balanced), or the arithmetic overflowed.
        case none
    }

    /// Gauss–Jordan elimination on the augmented matrix [A | b] (rows: elements).
    static func solve(_ a: [[ReactionFraction]], _ b: [ReactionFraction]) -> Solution {
        let columns = a.first?.count ?? 0
        var m = zip(a, b).map { $0 + [$1] }
        var pivotRow = 0
        var pivots: [Int] = []
        for col in 0..<columns {
            guard let p = (pivotRow..<m.count).first(where: { !m[$0][col].isZero }) else { continue }
            m.swapAt(pivotRow, p)
            guard let inv = m[pivotRow][col].reciprocal else { return .none }
            for j in 0...columns {
                guard let v = m[pivotRow][j] * inv else { return .none }
                m[pivotRow][j] = v
            }
            for r in m.indices where r != pivotRow && !m[r][col].isZero {
                let f = m[r][col]
                for j in 0...columns {
                    guard let t = f * m[pivotRow][j], let v = m[r][j] + (-t) else { return .none }
                    m[r][j] = v
                }
            }
            pivots.append(col)
            pivotRow += 1
        }
        // A row 0 = c ≠ 0 is an element that cannot be balanced.
        if m[pivotRow...].contains(where: { !$0[columns].isZero }) { return .none }
        guard pivots.count == columns else { return .underdetermined }
        return .unique(m.prefix(columns).map { $0[columns] })
    }
}
