import COpenBLAS
import Foundation
import KilnSupport

/// Float32 building blocks of the CHGNet pass: matrix products (OpenBLAS), row gathers and
/// scatter-sums, and the element-wise functions with their derivatives. Matrices are
/// row-major `[rows, cols]` flat arrays.
enum Dense {
    /// C[m,n] = A[m,k] · Bᵀ (+ C when `accumulate`), with B stored as `[n, k]` (a PyTorch weight).
    static func matmulTransposed(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                 _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                                 lda: Int? = nil, ldc: Int? = nil, accumulate: Bool = false) {
        guard m > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(lda ?? k), b, Int32(k), accumulate ? 1 : 0, c, Int32(ldc ?? n))
    }

    /// C[m,n] = A[m,k] · B (+ C when `accumulate`), with B stored as `[k, n]`.
    static func matmul(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                       lda: Int? = nil, ldc: Int? = nil, accumulate: Bool = false) {
        guard m > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(lda ?? k), b, Int32(n), accumulate ? 1 : 0, c, Int32(ldc ?? n))
    }

    /// out[r, :] += src[index[r], :] for every row r (width `w`).
    static func gatherAdd(_ src: UnsafePointer<Float>, _ index: UnsafePointer<Int32>,
                          _ out: UnsafeMutablePointer<Float>, rows: Range<Int>, width w: Int) {
        for r in rows { addRow(src + Int(index[r]) * w, out + r * w, width: w) }
    }

    /// out[index[r], :] += src[r, :] for every row r (width `w`).
    static func scatterAdd(_ src: UnsafePointer<Float>, _ index: UnsafePointer<Int32>,
                           _ out: UnsafeMutablePointer<Float>, rows: Int, width w: Int) {
        for r in 0..<rows { addRow(src + r * w, out + Int(index[r]) * w, width: w) }
    }

    /// o[0..<w] += s[0..<w], 8 at a time.
    @inline(__always) static func addRow(_ s: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, width w: Int) {
        var k = 0
        while k + 8 <= w { store8(load8(o + k) + load8(s + k), o + k); k += 8 }
        while k < w { o[k] += s[k]; k += 1 }
    }

    @inline(__always) static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    // The element-wise kernels below work on 8 floats at a time: two SSE or one AVX register,
    // so the exponential's temporaries stay in registers on every x86-64 CPU.

    @inline(__always) static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    @inline(__always) static func sigmoid8(_ x: SIMD8<Float>) -> SIMD8<Float> { 1 / (1 + exp8(-x)) }

    /// act[k] = x[k]·σ(x[k]) and s[k] = σ(x[k]) for `count` values.
    static func silu(_ x: UnsafePointer<Float>, sigmoid s: UnsafeMutablePointer<Float>,
                     _ act: UnsafeMutablePointer<Float>, count: Int) {
        var k = 0
        while k + 8 <= count {
            let v = load8(x + k), sv = sigmoid8(v)
            store8(sv, s + k)
            store8(v * sv, act + k)
            k += 8
        }
        while k < count { s[k] = sigmoid(x[k]); act[k] = x[k] * s[k]; k += 1 }
    }

    /// g[k] *= silu′(h[k]) = s(1 + h(1 − s)) with s = σ(h[k]) given, for `count` values.
    static func multiplySiluDerivative(_ g: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>,
                                       _ s: UnsafePointer<Float>, count: Int) {
        var k = 0
        while k + 8 <= count {
            let hv = load8(h + k), sv = load8(s + k)
            store8(load8(g + k) * sv * (1 + hv * (1 - sv)), g + k)
            k += 8
        }
        while k < count { g[k] *= s[k] * (1 + h[k] * (1 - s[k])); k += 1 }
    }

    /// Each of `rows` rows of `out` (width `w`) set to `row`.
    static func broadcastRow(_ row: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, width w: Int) {
        for r in 0..<rows { (out + r * w).update(from: row, count: w) }
    }

    /// Σ of 64 floats f(0..<8), f(8..<16), … in a fixed order: the four 16-float quarters added
    /// lane by lane, then one 16-lane sum (so results do not depend on the vector width used).
    @inline(__always) static func sum64(_ chunk: (Int) -> SIMD8<Float>) -> Float {
        var low = chunk(0), high = chunk(8)
        for q in stride(from: 16, to: 64, by: 16) {
            low += chunk(q)
            high += chunk(q + 8)
        }
        return SIMD16(lowHalf: low, highHalf: high).sum()
    }

    /// LayerNorm of a 64-float row in place (biased variance, eps 1e-5); returns 1/std.
    @inline(__always) static func normalizeRow(_ x: UnsafeMutablePointer<Float>) -> Float {
        let mean = sum64 { load8(x + $0) } / 64
        let inv = 1 / (sum64 { let c = load8(x + $0) - mean; return c * c } / 64 + 1e-5).squareRoot()
        for q in stride(from: 0, to: 64, by: 8) { store8((load8(x + q) - mean) * inv, x + q) }
        return inv
    }

    /// In place on a 64-float row: g ← inv·(g − mean(g) − x̂·mean(g·x̂)), the LayerNorm input
    /// gradient from the output-side gradient g (already times γ) and the normalised input x̂.
    @inline(__always) static func normalizeRowBackward(_ g: UnsafeMutablePointer<Float>, _ xhat: UnsafePointer<Float>, _ inv: Float) {
        let mg = sum64 { load8(g + $0) } / 64, mgx = sum64 { load8(g + $0) * load8(xhat + $0) } / 64
        for q in stride(from: 0, to: 64, by: 8) { store8(((load8(g + q) - mg) - load8(xhat + q) * mgx) * inv, g + q) }
    }

    /// e^x for 8 floats (Cephes' single-precision polynomial, ≈1 ulp; inputs clamped to ±87).
    @inline(__always) static func exp8(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let x = v.replacing(with: -87, where: v .< -87).replacing(with: 87, where: v .> 87)
        // t = x·log2(e) + 1.5·2²³ holds round(x·log2 e) in its low mantissa bits.
        let magic = SIMD8<Float>(repeating: 12_582_912)
        let t = x * 1.442_695_040_888_963_4 + magic
        let n = t - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * r * r + r + 1
        let bits = (unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(bits, to: SIMD8<Float>.self)
    }

    @inline(__always) static func silu(_ x: Float) -> Float { x * sigmoid(x) }
    @inline(__always) static func siluDerivative(_ x: Float) -> Float {
        let s = sigmoid(x)
        return s * (1 + x * (1 - s))
    }

    /// Fewest rows a core gets when a row loop is split across cores.
    static let rowGrain = 256

    /// C[rows, n] (+)= A[rows, k] · Bᵀ over the rows, split across cores.
    static func parallelMatmulTransposed(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                         _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                                         accumulate: Bool = false) {
        WorkQueue.chunks(m, grain: rowGrain) { r in
            matmulTransposed(a + r.lowerBound * k, b, c + r.lowerBound * n, m: r.count, n: n, k: k, accumulate: accumulate)
        }
    }

    /// C[rows, n] (+)= A[rows, k] · B over the rows, split across cores.
    static func parallelMatmul(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                               _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, accumulate: Bool = false) {
        WorkQueue.chunks(m, grain: rowGrain) { r in
            matmul(a + r.lowerBound * k, b, c + r.lowerBound * n, m: r.count, n: n, k: k, accumulate: accumulate)
        }
    }
}

extension Array where Element == Float {
    /// A zero-filled array of `count` floats.
    static func zeros(_ count: Int) -> [Float] { [Float](repeating: 0, count: count) }

    /// An array of `count` floats whose values the caller overwrites before reading.
    static func uninitialized(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
    }
}
