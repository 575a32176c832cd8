/// A 64-float row (CHGNet's feature width) as four SIMD16 registers, so the per-row gating
/// products run without array bounds checks or scalar loops.
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

    @inline(__always) static func + (x: Vec64, y: Vec64) -> Vec64 { Vec64(a: x.a + y.a, b: x.b + y.b, c: x.c + y.c, d: x.d + y.d) }
    @inline(__always) static func * (x: Vec64, y: Vec64) -> Vec64 { Vec64(a: x.a * y.a, b: x.b * y.b, c: x.c * y.c, d: x.d * y.d) }
}
