import Foundation

/// Element types a `Tensor` can hold: `Float` (float32) and `Double` (float64).
///
/// Kernels are written once, generic over this protocol, and specialised by the
/// compiler inside the module; the public API is not generic.
protocol TensorScalar: BinaryFloatingPoint {
    static var dtype: DType { get }
    static func wrap(_ values: [Self]) -> Storage
    static func unwrap(_ storage: Storage) -> [Self]?
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func sin(_ x: Self) -> Self
    static func cos(_ x: Self) -> Self
    static func acos(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func pow(_ x: Self, _ p: Self) -> Self
    /// Row-major `C = op(A)·op(B) + beta·C` through BLAS (`cblas_sgemm` / `cblas_dgemm`).
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

extension Float: TensorScalar {
    static var dtype: DType { .float32 }
    static func wrap(_ values: [Float]) -> Storage { .float32(values) }
    static func unwrap(_ storage: Storage) -> [Float]? {
        if case .float32(let v) = storage { return v }
        return nil
    }
    @inline(__always) static func exp(_ x: Float) -> Float { Foundation.expf(x) }
    @inline(__always) static func log(_ x: Float) -> Float { Foundation.logf(x) }
    @inline(__always) static func sin(_ x: Float) -> Float { Foundation.sinf(x) }
    @inline(__always) static func cos(_ x: Float) -> Float { Foundation.cosf(x) }
    @inline(__always) static func acos(_ x: Float) -> Float { Foundation.acosf(x) }
    @inline(__always) static func tanh(_ x: Float) -> Float { Foundation.tanhf(x) }
    @inline(__always) static func erf(_ x: Float) -> Float { Foundation.erff(x) }
    @inline(__always) static func log1p(_ x: Float) -> Float { Foundation.log1pf(x) }
    @inline(__always) static func pow(_ x: Float, _ p: Float) -> Float { Foundation.powf(x, p) }
}

extension Double: TensorScalar {
    static var dtype: DType { .float64 }
    static func wrap(_ values: [Double]) -> Storage { .float64(values) }
    static func unwrap(_ storage: Storage) -> [Double]? {
        if case .float64(let v) = storage { return v }
        return nil
    }
    @inline(__always) static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) static func log(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) static func sin(_ x: Double) -> Double { Foundation.sin(x) }
    @inline(__always) static func cos(_ x: Double) -> Double { Foundation.cos(x) }
    @inline(__always) static func acos(_ x: Double) -> Double { Foundation.acos(x) }
    @inline(__always) static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    @inline(__always) static func erf(_ x: Double) -> Double { Foundation.erf(x) }
    @inline(__always) static func log1p(_ x: Double) -> Double { Foundation.log1p(x) }
    @inline(__always) static func pow(_ x: Double, _ p: Double) -> Double { Foundation.pow(x, p) }
}

/// Allocates an array of `count` elements and lets `body` fill every one of them.
@inline(__always)
func makeArray<T>(count: Int, _ body: (UnsafeMutableBufferPointer<T>) -> Void) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        body(buffer)
        initialized = count
    }
}
