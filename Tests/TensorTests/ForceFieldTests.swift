import Tensor
import XCTest

/// The use the module exists for: forces and stress of a small message-passing
/// potential as derivatives of its energy with respect to input positions and strain,
/// checked against finite differences.
final class ForceFieldTests: XCTestCase {
    let atoms = 4
    // Directed edges (source, destination, periodic image) of a toy neighbour list.
    let edges: [(Int, Int, [Double])] = [
        (0, 1, [0, 0, 0]), (1, 0, [0, 0, 0]), (1, 2, [0, 0, 1]), (2, 1, [0, 0, -1]),
        (2, 3, [1, 0, 0]), (3, 2, [-1, 0, 0]), (0, 3, [0, 1, 0]), (3, 0, [0, -1, 0]), (0, 2, [0, 0, 0]),
    ]

    /// Energy of a CHGNet-like model: bond lengths → radial sine basis → gated MLP →
    /// scatter to atoms → readout. Geometry in float64; the network in `dtype`.
    func energy(positions: Tensor, strain: Tensor, lattice: Tensor, weights: [Tensor], dtype: DType) -> Tensor {
        let deformation = Tensor(shape: [3, 3], scalars: [1, 0, 0, 0, 1, 0, 0, 0, 1] as [Double]) + strain
        let cell = lattice.matmul(deformation)
        let cartesian = positions.matmul(deformation)
        let images = Tensor(shape: [edges.count, 3], scalars: edges.flatMap { $0.2 })
        let vectors = cartesian.gather(rows: edges.map { $0.1 }) + images.matmul(cell)
            - cartesian.gather(rows: edges.map { $0.0 })
        let lengths = vectors.squared().sum(axis: 1, keepingDims: true).sqrt()
        let frequencies = Tensor(shape: [1, 5], scalars: (1...5).map { Double($0) * .pi / 5 })
        let basis = ((lengths * frequencies).sin() / lengths).cast(to: dtype)
        let w = weights.map { $0.cast(to: dtype) }
        let hidden = basis.linear(weight: w[0], bias: w[1]).layerNorm()
        let message = hidden.silu() * hidden.linear(weight: w[2]).sigmoid()
        let perAtom = message.scatterAdd(rows: edges.map { $0.0 }, count: atoms).softplus()
        return perAtom.linear(weight: w[3]).sum()
    }

    func testForcesAndStressMatchFiniteDifferences() {
        var random = TestRandom(seed: 21)
        let lattice = Tensor(shape: [3, 3], scalars: [3.1, 0.1, 0, 0, 2.9, 0.2, 0.1, 0, 3.3] as [Double])
        let positions = random.tensor([atoms, 3], in: 0...2.5)
        let strain = Tensor.zeros([3, 3], dtype: .float64)
        let weights = [random.tensor([8, 5]), random.tensor([8]), random.tensor([8, 8]), random.tensor([1, 8])]

        let tape = Tape()
        let p = tape.watch(positions), s = tape.watch(strain)
        let e = energy(positions: p, strain: s, lattice: lattice, weights: weights, dtype: .float64)
        let grads = tape.gradients(of: e, wrt: [p, s])
        let forces = (-grads[0]).doubles, dEdStrain = grads[1].doubles

        func value(_ pos: Tensor, _ eps: Tensor) -> Double {
            energy(positions: pos, strain: eps, lattice: lattice, weights: weights, dtype: .float64).item
        }
        let h = 1e-6
        var failures: [String] = []
        for (name, base, analytic, sign) in [("force", positions, forces, -1.0), ("dE/dstrain", strain, dEdStrain, 1.0)] {
            for j in 0..<base.count {
                var plus = base.doubles, minus = base.doubles
                plus[j] += h
                minus[j] -= h
                let up = Tensor(shape: base.shape, scalars: plus), down = Tensor(shape: base.shape, scalars: minus)
                let numeric = sign * (name == "force" ? value(up, strain) - value(down, strain)
                                                      : value(positions, up) - value(positions, down)) / (2 * h)
                if Swift.abs(numeric - analytic[j]) > 1e-6 * Swift.max(1, Swift.abs(numeric)) {
                    failures.append("\(name)[\(j)]: tape \(analytic[j]) vs finite difference \(numeric)")
                }
            }
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
        // Translating every atom leaves the energy unchanged, so forces sum to zero.
        for axis in 0..<3 {
            let total = (0..<atoms).map { forces[$0 * 3 + axis] }.reduce(0, +)
            XCTAssertEqual(total, 0, accuracy: 1e-10, "net force along axis \(axis)")
        }

        // The float32 network with float64 geometry gives nearly the same forces.
        let tape32 = Tape()
        let p32 = tape32.watch(positions)
        let e32 = energy(positions: p32, strain: strain, lattice: lattice, weights: weights, dtype: .float32)
        let forces32 = (-tape32.gradients(of: e32, wrt: [p32])[0]).doubles
        let scale = forces.map(Swift.abs).max()!
        XCTAssertLessThan(zip(forces, forces32).map { Swift.abs($0 - $1) }.max()! / scale, 1e-5, "float32 forces")
    }
}
