import COpenBLAS
import Foundation

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
                       lda: Int? = nil, accumulate: Bool = false) {
        guard m > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(lda ?? k), b, Int32(n), accumulate ? 1 : 0, c, Int32(n))
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
    @inline(__always) static func silu(_ x: Float) -> Float { x * sigmoid(x) }
    @inline(__always) static func siluDerivative(_ x: Float) -> Float {
        let s = sigmoid(x)
        return s * (1 + x * (1 - s))
    }

    /// Splits `0..<count` into one contiguous chunk per core and runs `body` on each in parallel.
    static func parallelRows(_ count: Int, minimumPerChunk: Int = 256, _ body: (Range<Int>) -> Void) {
        let chunks = min(workers, max(1, count / minimumPerChunk))
        if chunks <= 1 { body(0..<count); return }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            body((count * c / chunks)..<(count * (c + 1) / chunks))
        }
    }

    /// Cores used by `parallelRows`.
    static let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
}

extension Array where Element == Float {
    /// A zero-filled array of `count` floats.
    static func zeros(_ count: Int) -> [Float] { [Float](repeating: 0, count: count) }
}
