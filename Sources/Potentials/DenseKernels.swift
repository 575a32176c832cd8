import CKilnKernels
import COpenBLAS
import Foundation
import KilnSupport

/// Float32 building blocks of the CHGNet pass: matrix products (OpenBLAS), row gathers and
/// scatter-sums, and the element-wise functions with their derivatives (the row kernels of
/// `CKilnKernels`, AVX2 where the CPU has it). Matrices are row-major `[rows, cols]` flat arrays.
package enum Dense {
    /// C[m,n] = A[m,k] · Bᵀ (+ C when `accumulate`), with B stored as `[n, k]` (a PyTorch weight).
    package static func matmulTransposed(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                 _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                                 lda: Int? = nil, ldc: Int? = nil, accumulate: Bool = false) {
        guard m > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(lda ?? k), b, Int32(k), accumulate ? 1 : 0, c, Int32(ldc ?? n))
    }

    /// C[m,n] = A[m,k] · B (+ C when `accumulate`), with B stored as `[k, n]`.
    package static func matmul(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                       _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                       lda: Int? = nil, ldc: Int? = nil, accumulate: Bool = false) {
        guard m > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(lda ?? k), b, Int32(n), accumulate ? 1 : 0, c, Int32(ldc ?? n))
    }

    /// s[t, :] = Σ_{r : index[r] = t} src[r, :] for t in 0..<targets (width `w`), rows added in order.
    package static func scatterSum(_ src: UnsafePointer<Float>, _ index: UnsafePointer<Int32>, rows: Int, width w: Int,
                           targets: Int) -> [Float] {
        var s = [Float].uninitialized(targets * w)
        s.withUnsafeMutableBufferPointer { kiln_scatter_sum(src, index, $0.baseAddress!, rows, w, targets) }
        return s
    }

    @inline(__always) package static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    /// act[k] = x[k]·σ(x[k]) and s[k] = σ(x[k]) for `count` values.
    package static func silu(_ x: UnsafePointer<Float>, sigmoid s: UnsafeMutablePointer<Float>,
                     _ act: UnsafeMutablePointer<Float>, count: Int) {
        kiln_silu(x, s, act, count)
    }

    /// g[k] *= silu′(h[k]) = s(1 + h(1 − s)) with s = σ(h[k]) given, for `count` values.
    package static func multiplySiluDerivative(_ g: UnsafeMutablePointer<Float>, _ h: UnsafePointer<Float>,
                                       _ s: UnsafePointer<Float>, count: Int) {
        kiln_silu_derivative_mul(g, h, s, count)
    }

    /// Each of `rows` rows of `out` (width `w`) set to `row`.
    package static func broadcastRow(_ row: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, rows: Int, width w: Int) {
        for r in 0..<rows { (out + r * w).update(from: row, count: w) }
    }

    @inline(__always) package static func silu(_ x: Float) -> Float { x * sigmoid(x) }
    @inline(__always) package static func siluDerivative(_ x: Float) -> Float {
        let s = sigmoid(x)
        return s * (1 + x * (1 - s))
    }

    /// Fewest rows a core gets when a row loop is split across cores.
    package static let rowGrain = 256

    /// C[rows, n] (+)= A[rows, k] · Bᵀ over the rows, split across cores.
    package static func parallelMatmulTransposed(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                         _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int,
                                         accumulate: Bool = false) {
        WorkQueue.chunks(m, grain: rowGrain) { r in
            matmulTransposed(a + r.lowerBound * k, b, c + r.lowerBound * n, m: r.count, n: n, k: k, accumulate: accumulate)
        }
    }

    /// out[r, :] += Σₚ sources[p][indices[p][r], :] for every row, the parts added in order; split across cores.
    package static func parallelGatherAdd(_ sources: [UnsafePointer<Float>], _ indices: [UnsafePointer<Int32>],
                                          into out: UnsafeMutablePointer<Float>, rows: Int, width w: Int) {
        let s: [UnsafePointer<Float>?] = sources, i: [UnsafePointer<Int32>?] = indices
        WorkQueue.chunks(rows, grain: rowGrain) { r in
            kiln_gather_add_parts(s, i, Int32(s.count), out, r.lowerBound, r.upperBound, w)
        }
    }

    /// x ← SiLU(x) in place, split across cores.
    package static func parallelSiluInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) {
        WorkQueue.chunks(count, grain: rowGrain * 64) { r in kiln_silu_inplace(x + r.lowerBound, r.count) }
    }

    /// C[rows, n] (+)= A[rows, k] · B over the rows, split across cores.
    package static func parallelMatmul(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                               _ c: UnsafeMutablePointer<Float>, m: Int, n: Int, k: Int, accumulate: Bool = false) {
        WorkQueue.chunks(m, grain: rowGrain) { r in
            matmul(a + r.lowerBound * k, b, c + r.lowerBound * n, m: r.count, n: n, k: k, accumulate: accumulate)
        }
    }
}

extension Array where Element == Float {
    /// A zero-filled array of `count` floats.
    package static func zeros(_ count: Int) -> [Float] { [Float](repeating: 0, count: count) }

    /// An array of `count` floats whose values the caller overwrites before reading.
    package static func uninitialized(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, n in n = count }
    }
}
