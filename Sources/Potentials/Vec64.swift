/// A 64-float row (CHGNet's feature width) as four SIMD16 registers, so the per-row
/// LayerNorm and gating arithmetic runs without array bounds checks or scalar loops.
struct Vec64 {
    var a, b, c, d: SIMD16<Float>

    init(a: SIMD16<Float>, b: SIMD16<Float>, c: SIMD16<Float>, d: SIMD16<Float>) {
        (self.a, self.b, self.c, self.d) = (a, b, c, d)
    }

    /// From a 64-element array.
    init(_ x: [Float]) {
        precondition(x.count == 64)
        self = x.withUnsafeBufferPointer { Vec64.load($0.baseAddress!) }
    }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> Vec64 {
        let r = UnsafeRawPointer(p)
        return Vec64(a: r.loadUnaligned(as: SIMD16<Float>.self), b: r.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self),
                     c: r.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self),
                     d: r.loadUnaligned(fromByteOffset: 192, as: SIMD16<Float>.self))
    }

    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>) {
        let r = UnsafeMutableRawPointer(p)
        r.storeBytes(of: a, as: SIMD16<Float>.self)
        r.storeBytes(of: b, toByteOffset: 64, as: SIMD16<Float>.self)
        r.storeBytes(of: c, toByteOffset: 128, as: SIMD16<Float>.self)
        r.storeBytes(of: d, toByteOffset: 192, as: SIMD16<Float>.self)
    }

    @inline(__always) var sum: Float { (a + b + c + d).sum() }

    @inline(__always) static func + (x: Vec64, y: Vec64) -> Vec64 { Vec64(a: x.a + y.a, b: x.b + y.b, c: x.c + y.c, d: x.d + y.d) }
    @inline(__always) static func - (x: Vec64, y: Vec64) -> Vec64 { Vec64(a: x.a - y.a, b: x.b - y.b, c: x.c - y.c, d: x.d - y.d) }
    @inline(__always) static func * (x: Vec64, y: Vec64) -> Vec64 { Vec64(a: x.a * y.a, b: x.b * y.b, c: x.c * y.c, d: x.d * y.d) }
    @inline(__always) static func * (x: Vec64, s: Float) -> Vec64 { Vec64(a: x.a * s, b: x.b * s, c: x.c * s, d: x.d * s) }
    @inline(__always) static func - (x: Vec64, s: Float) -> Vec64 { Vec64(a: x.a - s, b: x.b - s, c: x.c - s, d: x.d - s) }
    @inline(__always) static func - (s: Float, x: Vec64) -> Vec64 { Vec64(a: s - x.a, b: s - x.b, c: s - x.c, d: s - x.d) }
    @inline(__always) static func + (s: Float, x: Vec64) -> Vec64 { Vec64(a: s + x.a, b: s + x.b, c: s + x.c, d: s + x.d) }

    /// σ(x) elementwise.
    @inline(__always) var sigmoid: Vec64 {
        Vec64(a: 1 / (1 + Dense.exp16(-a)), b: 1 / (1 + Dense.exp16(-b)),
              c: 1 / (1 + Dense.exp16(-c)), d: 1 / (1 + Dense.exp16(-d)))
    }

    /// (x − mean)/√(var + 1e-5) with the biased variance, and 1/√(var + 1e-5).
    @inline(__always) var normalized: (Vec64, Float) {
        let centred = self - sum / 64
        let inv = 1 / ((centred * centred).sum / 64 + 1e-5).squareRoot()
        return (centred * inv, inv)
    }

    /// LayerNorm input gradient from the output-side gradient `self` (already times γ),
    /// the normalised input x̂ and 1/std.
    @inline(__always) func normBackward(_ xhat: Vec64, _ inv: Float) -> Vec64 {
        let mg = sum / 64, mgx = (self * xhat).sum / 64
        return ((self - mg) - xhat * mgx) * inv
    }
}
