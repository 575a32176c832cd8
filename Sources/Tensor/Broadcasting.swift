/// NumPy broadcasting rules: shapes are aligned at their last axis; each pair of
/// extents must be equal or one of them 1.
enum Broadcasting {
    /// The broadcast shape of `a` and `b`, or a precondition failure naming both.
    static func shape(_ a: [Int], _ b: [Int], op: String) -> [Int] {
        do {
            return try Tensor.broadcastShape(a, b)
        } catch {
            preconditionFailure("Tensor.\(op): shapes \(a) and \(b) cannot be broadcast together")
        }
    }

    /// Element strides of a row-major tensor of shape `input` read as if it had shape
    /// `output` (0 along broadcast axes).
    static func strides(of input: [Int], in output: [Int]) -> [Int] {
        precondition(input.count <= output.count, "Tensor: shape \(input) cannot broadcast to \(output)")
        var strides = [Int](repeating: 0, count: output.count)
        var step = 1
        let offset = output.count - input.count
        for i in stride(from: input.count - 1, through: 0, by: -1) {
            let extent = input[i]
            precondition(
                extent == output[i + offset] || extent == 1,
                "Tensor: shape \(input) cannot broadcast to \(output)")
            strides[i + offset] = extent == 1 ? 0 : step
            step *= extent
        }
        return strides
    }

    /// Visits runs `runs` of the output, a run being a stretch along its last axis.
    /// For each run `body` gets the run index (output offset = run × last extent) and
    /// the start offsets into each input described by `strides`.
    static func forEachRun(
        output: [Int], strides: [[Int]], runs: Range<Int>, _ body: (_ run: Int, _ offsets: [Int]) -> Void
    ) {
        let rank = output.count
        guard !runs.isEmpty else { return }
        // Multi-index (over all but the last axis) and input offsets of the first run.
        var index = [Int](repeating: 0, count: max(rank - 1, 0))
        var offsets = [Int](repeating: 0, count: strides.count)
        var rest = runs.lowerBound
        for axis in stride(from: rank - 2, through: 0, by: -1) {
            index[axis] = rest % output[axis]
            rest /= output[axis]
            for k in 0..<strides.count { offsets[k] += index[axis] * strides[k][axis] }
        }
        for run in runs {
            body(run, offsets)
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                for k in 0..<strides.count { offsets[k] += strides[k][axis] }
                if index[axis] < output[axis] { break }
                for k in 0..<strides.count { offsets[k] -= strides[k][axis] * output[axis] }
                index[axis] = 0
                axis -= 1
            }
        }
    }
}

/// Errors from the throwing shape checks.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// Two shapes that NumPy broadcasting cannot combine.
    case incompatibleShapes([Int], [Int])

    public var description: String {
        switch self {
        case let .incompatibleShapes(a, b): return "shapes \(a) and \(b) cannot be broadcast together"
        }
    }
}

extension Tensor {
    /// The shape NumPy broadcasting gives `a` and `b`, or `TensorError.incompatibleShapes`.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = Swift.max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        var result: [Int] = []
        for (x, y) in zip(pa, pb) {
            guard x == y || x == 1 || y == 1 else { throw TensorError.incompatibleShapes(a, b) }
            result.append(x == 1 ? y : x)
        }
        return result
    }
}
