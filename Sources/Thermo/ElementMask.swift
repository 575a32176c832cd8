import Crystal

/// A set of elements as a 128-bit mask (bit Z−1), used to key chemical systems.
struct ElementMask: Hashable {
    var lo: UInt64 = 0
    var hi: UInt64 = 0

    init() {}

    init<S: Sequence>(zs: S) where S.Element == Int {
        for z in zs { insert(z) }
    }

    mutating func insert(_ z: Int) {
        let b = z - 1
        if b < 64 { lo |= 1 << UInt64(b) } else { hi |= 1 << UInt64(b - 64) }
    }

    var count: Int { lo.nonzeroBitCount + hi.nonzeroBitCount }

    /// Atomic numbers in ascending order.
    var zs: [Int] {
        var out: [Int] = []
        out.reserveCapacity(count)
        var l = lo
        while l != 0 { out.append(l.trailingZeroBitCount + 1); l &= l - 1 }
        var h = hi
        while h != 0 { out.append(h.trailingZeroBitCount + 65); h &= h - 1 }
        return out
    }

    func isSubset(of other: ElementMask) -> Bool { lo & ~other.lo == 0 && hi & ~other.hi == 0 }

    /// Every non-empty subset, built from the given bit list (the mask's own `zs`).
    static func subsets(of zs: [Int]) -> [ElementMask] {
        let k = zs.count
        var out: [ElementMask] = []
        out.reserveCapacity((1 << k) - 1)
        for bits in 1..<(1 << k) {
            var m = ElementMask()
            var b = bits
            while b != 0 {
                m.insert(zs[b.trailingZeroBitCount])
                b &= b - 1
            }
            out.append(m)
        }
        return out
    }
}
