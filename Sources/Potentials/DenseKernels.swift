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
        for r in rows {
            let s = src + Int(index[r]) * w, o = out + r * w
            for k in 0..<w { o[k] += s[k] }
        }
    }

    /// out[index[r], :] += src[r, :] for every row r (width `w`).
    static func scatterAdd(_ src: UnsafePointer<Float>, _ index: UnsafePointer<Int32>,
                           _ out: UnsafeMutablePointer<Float>, rows: Int, width w: Int) {
        for r in 0..<rows {
            let s = src + r * w, o = out + Int(index[r]) * w
            for k in 0..<w { o[k] += s[k] }
        }
    }

    @inline(__always) static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    /// out[k] = σ(x[k]) for `count` values, 16 at a time with `exp16`.
    static func sigmoid(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        var k = 0
        while k + 16 <= count {
            let v = UnsafeRawPointer(x + k).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + k).storeBytes(of: 1 / (1 + exp16(-v)), as: SIMD16<Float>.self)
            k += 16
        }
        while k < count { out[k] = sigmoid(x[k]); k += 1 }
    }

    /// g[k] *= silu′(h[k]) = s(1 + h(1 − s)) with s = σ(h[k]) given, for `count` values.
    static func multiplySiluDerivative(_ g: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>,
                                       _ s: UnsafePointer<Float>, count: Int) {
        var k = 0
        while k + 16 <= count {
            let hv = UnsafeRawPointer(h + k).loadUnaligned(as: SIMD16<Float>.self)
            let sv = UnsafeRawPointer(s + k).loadUnaligned(as: SIMD16<Float>.self)
            let gv = UnsafeRawPointer(g + k).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(g + k).storeBytes(of: gv * sv * (1 + hv * (1 - sv)), as: SIMD16<Float>.self)
            k += 16
        }
        while k < count { g[k] *= s[k] * (1 + h[k] * (1 - s[k])); k += 1 }
    }

    /// out[k] = x[k]·y[k] for `count` values.
    static func multiply(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int) {
        var k = 0
        while k + 16 <= count {
            let a = UnsafeRawPointer(x + k).loadUnaligned(as: SIMD16<Float>.self)
            let b = UnsafeRawPointer(y + k).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(out + k).storeBytes(of: a * b, as: SIMD16<Float>.self)
            k += 16
        }
        while k < count { out[k] = x[k] * y[k]; k += 1 }
    }

    /// e^x for 16 floats (Cephes' single-precision polynomial, ≈1 ulp; inputs clamped to ±87).
    @inline(__always) static func exp16(_ v: SIMD16<Float>) -> SIMD16<Float> {
        let x = v.replacing(with: -87, where: v .< -87).replacing(with: 87, where: v .> 87)
        // t = x·log2(e) + 1.5·2²³ holds round(x·log2 e) in its low mantissa bits.
        let magic = SIMD16<Float>(repeating: 12_582_912)
        let t = x * 1.442_695_040_888_963_4 + magic
        let n = t - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = SIMD16<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        p = p * r * r + r + 1
        let bits = (unsafeBitCast(t, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(bits, to: SIMD16<Float>.self)
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
