/// Element type of a tensor.
public enum DType: String, Sendable, CustomStringConvertible {
    /// 32-bit IEEE float (`Float`): the default for network activations and weights.
    case float32
    /// 64-bit IEEE float (`Double`): geometry and gradient checks.
    case float64

    public var description: String { rawValue }
}

/// Contiguous row-major element storage.
enum Storage {
    case float32([Float])
    case float64([Double])

    var count: Int {
        switch self {
        case .float32(let v): return v.count
        case .float64(let v): return v.count
        }
    }

    var dtype: DType {
        switch self {
        case .float32: return .float32
        case .float64: return .float64
        }
    }
}

/// A dense, row-major, n-dimensional array of `Float` or `Double` values.
///
/// Tensors are values: operations return new tensors and never mutate their inputs.
/// A tensor derived from a tensor watched by a `Tape` is recorded on that tape, so
/// `Tape.gradients(of:wrt:)` can differentiate through it. Tensors that no watched
/// tensor flows into (weights, constants) are plain data and cost nothing extra.
public struct Tensor {
    /// Extent of every axis, outermost first. Empty for a scalar.
    public let shape: [Int]
    var storage: Storage
    /// Position of this tensor on a tape, when it depends on a watched tensor.
    var node: TapeNode?

    init(shape: [Int], storage: Storage, node: TapeNode? = nil) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(
            shape.reduce(1, *) == storage.count,
            "Tensor: shape \(shape) needs \(shape.reduce(1, *)) elements, got \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// A float32 tensor of the given shape from row-major `scalars`.
    public init(shape: [Int], scalars: [Float]) {
        self.init(shape: shape, storage: .float32(scalars))
    }

    /// A float64 tensor of the given shape from row-major `scalars`.
    public init(shape: [Int], scalars: [Double]) {
        self.init(shape: shape, storage: .float64(scalars))
    }

    /// A rank-0 tensor holding `value`.
    public init(_ value: Double, dtype: DType = .float32) {
        self = Tensor.full(value, shape: [], dtype: dtype)
    }

    /// A tensor of the given shape with every element equal to `value`.
    public static func full(_ value: Double, shape: [Int], dtype: DType = .float32) -> Tensor {
        let n = shape.reduce(1, *)
        switch dtype {
        case .float32: return Tensor(shape: shape, scalars: [Float](repeating: Float(value), count: n))
        case .float64: return Tensor(shape: shape, scalars: [Double](repeating: value, count: n))
        }
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        full(0, shape: shape, dtype: dtype)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        full(1, shape: shape, dtype: dtype)
    }

    /// Element type.
    public var dtype: DType { storage.dtype }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { storage.count }

    /// The elements as float32, converting from float64 if needed.
    public var floats: [Float] {
        switch storage {
        case .float32(let v): return v
        case .float64(let v): return v.map { Float($0) }
        }
    }

    /// The elements as float64, converting from float32 if needed.
    public var doubles: [Double] {
        switch storage {
        case .float32(let v): return v.map { Double($0) }
        case .float64(let v): return v
        }
    }

    /// The single element of a one-element tensor.
    public var item: Double {
        precondition(count == 1, "Tensor.item: tensor of shape \(shape) has \(count) elements, not 1")
        switch storage {
        case .float32(let v): return Double(v[0])
        case .float64(let v): return v[0]
        }
    }

    /// Whether gradients can flow back through this tensor (it depends on a watched tensor).
    public var isTracked: Bool { node?.tape != nil }

    /// The same values, cut off from any tape (treated as a constant from here on).
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = doubles.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor<\(dtype)>\(shape)[\(values)\(count > 8 ? ", …" : "")]"
    }
}
