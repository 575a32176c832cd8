/// Vectorised float32 exponential and the activations built on it.
///
/// `exp` follows the Cephes `expf` scheme: n = round(x·log₂e), r = x − n·ln2 (split in
/// two parts), a degree-6 polynomial for eʳ, scaled by 2ⁿ through the exponent bits.
/// Error ≲ 2 ulp over [−87.33, 87.33]; inputs are clamped to that range (so eˣ
/// saturates at ≈1.2e−38 and ≈8e37 instead of 0 and ∞); NaN stays NaN.
enum FastMath {
    typealias V = SIMD8<Float>
    typealias I = SIMD8<Int32>
    static let width = 8

    @inline(__always)
    static func exp(_ x: V) -> V {
        let (x, nan) = clamp(x)
        // Round x·log₂e to an integer with the 1.5·2²³ trick; its low bits hold n.
        let magic = V(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        var r = x - n * 0.693_359_375
        r = r - n * -2.121_944_4e-4
        var p = V(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 0.166_666_655
        p = p * r + 0.500_000_01
        p = p * (r * r) + r + 1
        // 2ⁿ: (n + 127) << 23, n read back from the mantissa of `shifted`.
        let nBits = unsafeBitCast(shifted, to: I.self) &- unsafeBitCast(magic, to: I.self)
        let scale = unsafeBitCast((nBits &+ 127) &<< 23, to: V.self)
        let result = unsafeBitCast(p * scale, to: I.self)
        return unsafeBitCast(result | (nan & I(repeating: 0x7FC0_0000)), to: V.self)
    }

    /// Lanes clamped to [−87.33, 87.33] with integer operations on the bit patterns
    /// (Swift's float min/max and lane-wise selects compile to scalar branches).
    /// Returns the clamped lanes and a mask that is all ones on NaN lanes.
    @inline(__always)
    static func clamp(_ x: V) -> (V, I) {
        let bits = unsafeBitCast(x, to: I.self)
        let sign = bits & I(repeating: Int32.min)
        let magnitude = bits & I(repeating: Int32.max)
        let limit = I(repeating: 0x42AE_A8F6)  // 87.33
        let excess = magnitude &- limit
        let clamped = limit &+ (excess & (excess &>> 31))  // min(magnitude, limit)
        let nan = (I(repeating: 0x7F80_0000) &- magnitude) &>> 31  // magnitude above +∞'s bits
        return (unsafeBitCast(clamped | sign, to: V.self), nan)
    }

    @inline(__always)
    static func sigmoid(_ x: V) -> V {
        // 1/(1+e⁻ˣ) with e⁻ˣ saturating (not ∞) keeps this finite everywhere.
        1 / (1 + exp(-x))
    }

    /// `body(xChunk) -> yChunk` over vectors, with a zero-padded tail.
    @inline(__always)
    static func map(
        _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>, _ r: Range<Int>, _ body: (V) -> V
    ) {
        var i = r.lowerBound
        let base = x.baseAddress!
        while i + width <= r.upperBound {
            let v = UnsafeRawPointer(base + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(y.baseAddress! + i).storeBytes(of: body(v), as: V.self)
            i += width
        }
        if i < r.upperBound {
            var v = V()
            for k in 0..<(r.upperBound - i) { v[k] = base[i + k] }
            let out = body(v)
            for k in 0..<(r.upperBound - i) { y[i + k] = out[k] }
        }
    }

    /// `body(xChunk, yChunk, gChunk) -> dChunk` over vectors, with a zero-padded tail.
    @inline(__always)
    static func map3(
        _ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>, _ g: UnsafeBufferPointer<Float>,
        _ d: UnsafeMutableBufferPointer<Float>, _ r: Range<Int>, _ body: (V, V, V) -> V
    ) {
        var i = r.lowerBound
        let (xb, yb, gb) = (x.baseAddress!, y.baseAddress!, g.baseAddress!)
        while i + width <= r.upperBound {
            let out = body(
                UnsafeRawPointer(xb + i).loadUnaligned(as: V.self), UnsafeRawPointer(yb + i).loadUnaligned(as: V.self),
                UnsafeRawPointer(gb + i).loadUnaligned(as: V.self))
            UnsafeMutableRawPointer(d.baseAddress! + i).storeBytes(of: out, as: V.self)
            i += width
        }
        if i < r.upperBound {
            var (a, b, c) = (V(), V(), V())
            for k in 0..<(r.upperBound - i) { (a[k], b[k], c[k]) = (xb[i + k], yb[i + k], gb[i + k]) }
            let out = body(a, b, c)
            for k in 0..<(r.upperBound - i) { d[i + k] = out[k] }
        }
    }

    /// Vectorised float32 forward of `op`, or false if `op` has no fast path.
    static func forward(
        _ op: UnaryOp, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<Float>, _ r: Range<Int>
    ) -> Bool {
        switch op {
        case .exp: map(x, y, r) { exp($0) }
        case .sigmoid: map(x, y, r) { sigmoid($0) }
        case .silu: map(x, y, r) { $0 * sigmoid($0) }
        default: return false
        }
        return true
    }

    /// Vectorised float32 `g·op′(x)`, or false if `op` has no fast path.
    static func derivative(
        _ op: UnaryOp, _ x: UnsafeBufferPointer<Float>, _ y: UnsafeBufferPointer<Float>,
        _ g: UnsafeBufferPointer<Float>, _ d: UnsafeMutableBufferPointer<Float>, _ r: Range<Int>
    ) -> Bool {
        switch op {
        case .exp: map3(x, y, g, d, r) { _, y, g in g * y }
        case .sigmoid: map3(x, y, g, d, r) { _, y, g in g * y * (1 - y) }
        case .silu:
            map3(x, y, g, d, r) { x, _, g in
                let s = sigmoid(x)
                return g * s * (1 + x * (1 - s))
            }
        case .softplus:
            map3(x, y, g, d, r) { x, _, g in
                var out = g * sigmoid(x)
                for k in 0..<width where x[k] > 20 { out[k] = g[k] }
                return out
            }
        default: return false
        }
        return true
    }
}
