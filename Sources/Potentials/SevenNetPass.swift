import Crystal
import Foundation
import Tensor

/// One evaluation of a SevenNet (NequIP) model in `Tensor` operations: edge geometry in float64
/// with positions and lattice multiplied by I + ε, radial basis and spherical harmonics, HIENet's
/// invariant attention layers if any, the interaction layers of equivariant blocks
/// (Sources/Tensor/Equivariant), readout, and forces and stress from one reverse-mode pass of the
/// energy on a `Tape`.
struct SevenNetPass {
    let weights: SevenNetWeights
    let config: SevenNetConfig
    let graph: NeighborList

    struct Output {
        /// Σ_i (scale·e_i + shift) over atoms (eV).
        var energy: Double
        var positionGradient: [Vec3]
        /// ∂E/∂ε (eV), nil without gradients.
        var strainGradient: Matrix3?
    }

    /// Runs the model on species indices `types` at fractional coordinates `frac` in `lattice` (rows a, b, c).
    func run(types: [Int], frac: [Vec3], lattice: Matrix3, gradients: Bool) -> Output {
        let n = types.count, e = graph.count
        let centers = graph.centers.map(Int.init), neighbors = graph.neighbors.map(Int.init)
        let tape = gradients ? Tape() : nil
        let positions = Tensor(shape: [n, 3], scalars: frac.flatMap { f -> [Double] in
            let r = f * lattice
            return [r.x, r.y, r.z]
        })
        let (pos, eps) = tape.map { ($0.watch(positions), $0.watch(Tensor.zeros([3, 3], dtype: .float64))) }
            ?? (positions, Tensor.zeros([3, 3], dtype: .float64))
        let deformation = Tensor(shape: [3, 3], scalars: [1.0, 0, 0, 0, 1, 0, 0, 0, 1]) + eps
        let cart = pos.matmul(deformation)
        let cell = Tensor(shape: [3, 3], scalars: lattice.array.flatMap { $0 }).matmul(deformation)
        let images = Tensor(shape: [e, 3], scalars: graph.images.flatMap { [Double($0.x), Double($0.y), Double($0.z)] })
        // Vector from the centre to its neighbour, as SevenNet's edge_vec.
        let vectors = cart.gather(rows: neighbors) + images.matmul(cell) - cart.gather(rows: centers)
        let r = vectors.squared().sum(axis: 1, keepingDims: true).sqrt()
        let filter = (vectors / r).sphericalHarmonics(lmax: config.lmax).map { $0.cast(to: .float32) }
        let radial = radialBasis(r).cast(to: .float32)

        var scalars = weights.embedding.gather(rows: types)
        for layer in weights.invariant { scalars = layer(scalars, radial: radial, source: neighbors, target: centers) }
        var x: IrrepFeatures = [0: scalars.reshaped(to: [n, 1, -1])]
        for layer in weights.layers {
            let sc = layer.selfConnection(x)
            let h = layer.selfInteraction1(x)
            var hidden = radial
            for matrix in layer.radial { hidden = hidden.linear(weight: matrix).silu() * layer.radialConstant }
            let weights = layer.pathWeights.map { hidden.linear(weight: $0) }
            let messages = layer.product(h.mapValues { $0.gather(rows: neighbors) }, filter: filter, weights: weights)
            let aggregated = messages.mapValues { $0.scatterAdd(rows: centers, count: n) / layer.denominator }
            var mixed = layer.selfInteraction2(aggregated)
            for (l, s) in sc { mixed[l] = mixed[l].map { $0 + s } ?? s }
            x = layer.gate(mixed)
        }
        let atomic = x[0]!.reshaped(to: [n, -1]).linear(weight: weights.readoutHidden, bias: weights.readoutHiddenBias).linear(weight: weights.readoutEnergy)
        let scale = Tensor(shape: [n, 1], scalars: types.map { Float(weights.scale[$0]) })
        let energy = (atomic * scale).sum()
        let shifts = types.reduce(0.0) { $0 + weights.shift[$1] }
        var out = Output(energy: energy.cast(to: .float64).item + shifts, positionGradient: [], strainGradient: nil)
        if let tape {
            let g = tape.gradients(of: energy, wrt: [pos, eps])
            let p = g[0].doubles, s = g[1].doubles
            out.positionGradient = (0..<n).map { Vec3(p[3 * $0], p[3 * $0 + 1], p[3 * $0 + 2]) }
            out.strainGradient = Matrix3(Vec3(s[0], s[1], s[2]), Vec3(s[3], s[4], s[5]), Vec3(s[6], s[7], s[8]))
        }
        return out
    }

    /// Bessel basis × cutoff envelope, [E, B] (float64).
    private func radialBasis(_ r: Tensor) -> Tensor {
        let rc = config.cutoff
        let freq = Tensor(shape: [1, weights.bessel.count], scalars: weights.bessel)
        let bessel = (r * freq).sin() / r * config.besselPrefactor
        let f = config.cutoffFunction
        let envelope: Tensor
        if f.name == "xplor", let on = f.rOn {
            let r2 = r.squared()
            let smooth = (r2 * -1.0 + rc * rc).squared() * (r2 * 2.0 + (rc * rc - 3 * on * on)) / pow(rc * rc - on * on, 3)
            envelope = Tensor.select(r.doubles.map { $0 < on }, Tensor.ones(r.shape, dtype: .float64), smooth)
        } else {
            let p = Double(f.p ?? 6), u = r / rc
            envelope = 1.0 - u.pow(p) * ((p + 1) * (p + 2) / 2) + u.pow(p + 1) * (p * (p + 2)) - u.pow(p + 2) * (p * (p + 1) / 2)
        }
        return bessel * envelope
    }
}
