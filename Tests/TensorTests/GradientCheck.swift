import Tensor
import XCTest

/// Deterministic pseudo-random numbers for test inputs (SplitMix64).
struct TestRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }

    /// A float64 tensor with elements uniform in `range`.
    mutating func tensor(_ shape: [Int], in range: ClosedRange<Double> = -1...1) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { _ in range.lowerBound + (range.upperBound - range.lowerBound) * next() })
    }
}

/// Compares the tape's gradients of `sum(f(inputs) · w)` (w random) with central
/// finite differences, element by element, and fails naming the op, input and element.
func assertGradients(
    _ name: String, _ inputs: [Tensor], tolerance: Double = 1e-6, step: Double = 1e-6,
    file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor
) {
    var random = TestRandom(seed: 7)
    let probe = f(inputs)
    let weights = random.tensor(probe.shape)
    func loss(_ xs: [Tensor]) -> Double { (f(xs) * weights).sum().item }

    let tape = Tape()
    let watched = inputs.map { tape.watch($0) }
    let output = f(watched)
    XCTAssertEqual(output.shape, probe.shape, "\(name): shape changes when tracked", file: file, line: line)
    let grads = tape.gradients(of: (output * weights).sum(), wrt: watched)

    var failures: [String] = []
    for (i, input) in inputs.enumerated() {
        XCTAssertEqual(grads[i].shape, input.shape, "\(name): gradient shape of input \(i)", file: file, line: line)
        let analytic = grads[i].doubles
        let values = input.doubles
        for j in 0..<values.count {
            var plus = values, minus = values
            plus[j] += step
            minus[j] -= step
            var up = inputs, down = inputs
            up[i] = Tensor(shape: input.shape, scalars: plus)
            down[i] = Tensor(shape: input.shape, scalars: minus)
            let numeric = (loss(up) - loss(down)) / (2 * step)
            if Swift.abs(numeric - analytic[j]) > tolerance * Swift.max(1, Swift.abs(numeric)) {
                failures.append("input \(i) element \(j): tape \(analytic[j]) vs finite difference \(numeric)")
            }
        }
    }
    XCTAssert(failures.isEmpty, "\(name) gradient mismatches:\n" + failures.prefix(10).joined(separator: "\n"),
              file: file, line: line)
}
