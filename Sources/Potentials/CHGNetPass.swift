import CKilnKernels
import Crystal
import Foundation
import KilnSupport

/// One evaluation of CHGNet on a graph: the float32 forward pass (see docs/architecture.md) and its
/// hand-derived reverse pass, which carries ∂E_gnn/∂(features) back through every
/// interaction block to the bond lengths and angles and from there to atom positions and strain.
struct CHGNetPass {
    let weights: CHGNetWeights
    let config: CHGNetConfig
    let graph: CHGNetGraph
    /// Records the wall time of each stage when set (profiling only).
    var clock: StageClock? = nil

    /// What one pass produces.
    struct Output {
        /// Σ_i ε_i, the extensive network energy (eV), AtomRef not included.
        var networkEnergy: Double
        var magmoms: [Double]
        /// ∂E_gnn/∂r_i (eV/Å) and ∂E_gnn/∂ε (eV), when gradients were requested.
        var positionGradient: [Vec3]
        var strainGradient: Matrix3?
        /// The atom features after the last interaction block and the readout's LayerNorm
        /// (atoms × 64, row-major), the input of the readout MLP; filled by the fused pass when no
        /// gradients are asked for.
        var atomFeatures: [Float] = []
    }

    private static let w = CHGNetWeights.width

    /// Geometry of the directed edges: neighbour→centre vectors, lengths, unit vectors.
    private struct Geometry {
        var vectors: [Vec3], lengths: [Double], units: [Vec3]
        var bondLengths: [Double]
        var cosines: [Double], angles: [Double]
    }

    private func geometry(frac: [Vec3], lattice: Matrix3) -> Geometry {
        let g = graph
        // Edge vectors as CHGNet forms them in float32: centre − (neighbour + image·L), with
        // positions F·L. Rounding them the same way matters for very short bonds.
        let l = (SIMD3<Float>(lattice[0]), SIMD3<Float>(lattice[1]), SIMD3<Float>(lattice[2]))
        func times(_ x: SIMD3<Float>) -> SIMD3<Float> { x.x * l.0 + x.y * l.1 + x.z * l.2 }
        let positions = frac.map { times(SIMD3<Float>($0)) }
        let vectors = (0..<g.directedEdgeCount).map { d -> Vec3 in
            let neighbor = positions[Int(g.neighbors[d])] + times(SIMD3<Float>(g.images[d]))
            return Vec3(positions[Int(g.centers[d])] - neighbor)
        }
        let lengths = vectors.map { norm($0) }
        let units = zip(vectors, lengths).map { $0 / $1 }
        let bondLengths = g.representative.map { lengths[Int($0)] }
        let scale = config.angleCosineScale
        var cosines = [Double](repeating: 0, count: g.angleCount)
        var angles = cosines
        for t in 0..<g.angleCount {
            let c = dot(units[Int(g.angleLeftEdges[t])], units[Int(g.angleRightEdges[t])])
            cosines[t] = c
            angles[t] = acos(min(max(c * scale, -1), 1))
        }
        return Geometry(vectors: vectors, lengths: lengths, units: units, bondLengths: bondLengths,
                        cosines: cosines, angles: angles)
    }

    /// Runs the model on fractional coordinates in `lattice` (rows a, b, c).
    func run(atomicNumbers z: [Int], frac: [Vec3], lattice: Matrix3, gradients: Bool) -> Output {
        let w = Self.w, g = graph, wt = weights
        let n = g.atoms, e = g.directedEdgeCount, u = g.undirectedEdgeCount, t = g.angleCount
        let geo = geometry(frac: frac, lattice: lattice)
        clock?.mark("geometry")
        let (rbfA, drbfA) = CHGNetBasis.radial(geo.bondLengths, frequencies: wt.radialFrequenciesAtom,
                                               cutoff: config.atomGraphCutoff, p: config.cutoffCoefficient)
        let (rbfB, drbfB) = CHGNetBasis.radial(geo.bondLengths, frequencies: wt.radialFrequenciesBond,
                                               cutoff: config.bondGraphCutoff, p: config.cutoffCoefficient)
        let (psi, dpsi) = CHGNetBasis.fourier(geo.angles, frequencies: wt.angleFrequencies)
        let r = CHGNetWeights.radial, ka = CHGNetWeights.angular
        clock?.mark("basis")

        // Embeddings.
        var v = [Float].zeros(n * w)
        for i in 0..<n { for c in 0..<w { v[i * w + c] = wt.atomEmbedding[(z[i] - 1) * w + c] } }
        var b = [Float].uninitialized(u * w), wa = [Float].uninitialized(u * w), wb = [Float].uninitialized(u * w)
        var a = [Float].uninitialized(t * w)
        Dense.matmulTransposed(rbfA, wt.bondEmbedding, &b, m: u, n: w, k: r)
        Dense.matmulTransposed(rbfA, wt.bondWeightsAtom, &wa, m: u, n: w, k: r)
        Dense.matmulTransposed(rbfB, wt.bondWeightsBond, &wb, m: u, n: w, k: r)
        Dense.matmulTransposed(psi, wt.angleEmbedding, &a, m: t, n: w, k: ka)
        clock?.mark("embeddings")

        var atomTapes: [GatedMLP.Tape] = [], bondTapes: [GatedMLP.Tape] = [], angleTapes: [GatedMLP.Tape] = []
        var magmoms = [Double](repeating: 0, count: n)
        let blocks = wt.atomConvs.count
        for k in 0..<blocks {
            let tape = atomConv(wt.atomConvs[k], v: &v, b: b, wa: wa, record: gradients)
            if let tape { atomTapes.append(tape) }
            clock?.mark("block \(k + 1) atom conv")
            if k == blocks - 1 { break }
            if t > 0 {
                let bt = bondConv(wt.bondConvs[k], v: v, b: &b, a: a, wb: wb, record: gradients)
                if let bt { bondTapes.append(bt) }
                clock?.mark("block \(k + 1) bond conv")
                let at = angleUpdate(wt.angleUpdates[k], v: v, b: b, a: &a, record: gradients)
                if let at { angleTapes.append(at) }
                clock?.mark("block \(k + 1) angle update")
            }
            if k == blocks - 2 {
                for i in 0..<n {
                    var s = wt.magmomBias
                    for c in 0..<w { s += wt.magmomWeight[c] * v[i * w + c] }
                    magmoms[i] = Double(abs(s))
                }
            }
        }

        // Readout: LayerNorm, per-atom MLP, sum.
        var x = v
        var normInv = [Float].zeros(n)
        x.withUnsafeMutableBufferPointer { xp in
            for i in 0..<n {
                let row = xp.baseAddress! + i * w
                normInv[i] = GatedMLP.normalize(row, w)
            }
        }
        var y = x
        for i in 0..<n { for c in 0..<w { y[i * w + c] = x[i * w + c] * wt.readoutNorm.weight[c] + wt.readoutNorm.bias[c] } }
        var pre: [[Float]] = []
        var act = y
        for layer in wt.readout.dropLast() {
            var h = [Float].uninitialized(n * w)
            Dense.matmulTransposed(act, layer.weight, &h, m: n, n: w, k: w)
            for i in 0..<n { for c in 0..<w { h[i * w + c] += layer.bias[c] } }
            pre.append(h)
            act = h.map(Dense.silu)
        }
        let last = wt.readout[wt.readout.count - 1]
        var energy = 0.0
        for i in 0..<n {
            var s = last.bias[0]
            for c in 0..<w { s += last.weight[c] * act[i * w + c] }
            energy += Double(s)
        }
        clock?.mark("readout")
        guard gradients else {
            return Output(networkEnergy: energy, magmoms: magmoms, positionGradient: [], strainGradient: nil, atomFeatures: y)
        }

        // Reverse pass of the readout.
        var dAct = [Float].uninitialized(n * w)
        for i in 0..<n { for c in 0..<w { dAct[i * w + c] = last.weight[c] } }
        for (li, layer) in wt.readout.dropLast().enumerated().reversed() {
            let h = pre[li]
            for k in 0..<(n * w) { dAct[k] *= Dense.siluDerivative(h[k]) }
            var dIn = [Float].uninitialized(n * w)
            Dense.matmul(dAct, layer.weight, &dIn, m: n, n: w, k: w)
            dAct = dIn
        }
        var dv = dAct
        dv.withUnsafeMutableBufferPointer { dp in
            x.withUnsafeBufferPointer { xp in
                for i in 0..<n {
                    let row = dp.baseAddress! + i * w
                    for c in 0..<w { row[c] *= wt.readoutNorm.weight[c] }
                    GatedMLP.normalizeBackward(row, xp.baseAddress! + i * w, normInv[i], w)
                }
            }
        }
        clock?.mark("readout backward")
        var db = [Float].zeros(u * w), da = [Float].zeros(t * w)
        var dwa = [Float].zeros(u * w), dwb = [Float].zeros(u * w)
        for k in stride(from: blocks - 1, through: 0, by: -1) {
            if k < blocks - 1 && t > 0 {
                angleUpdateBackward(wt.angleUpdates[k], tape: angleTapes[k], dv: &dv, db: &db, da: &da)
                clock?.mark("block \(k + 1) angle update backward")
                bondConvBackward(wt.bondConvs[k], tape: bondTapes[k], wb: wb, dv: &dv, db: &db, da: &da, dwb: &dwb)
                clock?.mark("block \(k + 1) bond conv backward")
            }
            atomConvBackward(wt.atomConvs[k], tape: atomTapes[k], wa: wa, dv: &dv, db: &db, dwa: &dwa)
            clock?.mark("block \(k + 1) atom conv backward")
        }

        // Embeddings → basis → lengths and angles.
        var dRbfA = [Float].uninitialized(u * r), dRbfB = [Float].uninitialized(u * r), dPsi = [Float].uninitialized(t * ka)
        Dense.matmul(db, wt.bondEmbedding, &dRbfA, m: u, n: r, k: w)
        Dense.matmul(dwa, wt.bondWeightsAtom, &dRbfA, m: u, n: r, k: w, accumulate: true)
        Dense.matmul(dwb, wt.bondWeightsBond, &dRbfB, m: u, n: r, k: w)
        Dense.matmul(da, wt.angleEmbedding, &dPsi, m: t, n: ka, k: w)
        clock?.mark("embeddings backward")
        var gVec = [Vec3](repeating: .zero, count: e)
        for bond in 0..<u {
            var gl = 0.0
            for j in 0..<r {
                gl += Double(dRbfA[bond * r + j]) * drbfA[bond * r + j] + Double(dRbfB[bond * r + j]) * drbfB[bond * r + j]
            }
            let d = Int(g.representative[bond])
            gVec[d] += gl * geo.units[d]
        }
        let scale = config.angleCosineScale
        for angle in 0..<t {
            var gTheta = 0.0
            for j in 0..<ka { gTheta += Double(dPsi[angle * ka + j]) * dpsi[angle * ka + j] }
            let c = geo.cosines[angle] * scale
            let gCos = -gTheta * scale / max(1 - c * c, 1e-300).squareRoot()
            let l = Int(g.angleLeftEdges[angle]), rt = Int(g.angleRightEdges[angle])
            let ul = geo.units[l], ur = geo.units[rt], raw = geo.cosines[angle]
            gVec[l] += gCos * (ur - raw * ul) / geo.lengths[l]
            gVec[rt] += gCos * (ul - raw * ur) / geo.lengths[rt]
        }
        var gPos = [Vec3](repeating: .zero, count: n)
        var virial = (Vec3.zero, Vec3.zero, Vec3.zero)
        for d in 0..<e {
            let gd = gVec[d], vd = geo.vectors[d]
            gPos[Int(g.centers[d])] += gd
            gPos[Int(g.neighbors[d])] -= gd
            virial.0 += vd.x * gd
            virial.1 += vd.y * gd
            virial.2 += vd.z * gd
        }
        clock?.mark("basis and geometry backward")
        return Output(networkEnergy: energy, magmoms: magmoms, positionGradient: gPos,
                      strainGradient: Matrix3(virial.0, virial.1, virial.2))
    }

    // MARK: interaction layers

    /// First-layer pre-activations of a gated MLP for `rows` rows: bias + Σ parts, where each
    /// part is a per-row matrix (`direct`) or a per-entity projection gathered through an index.
    private func preActivation(_ mlp: GatedMLP, rows: Int, direct: [(Int, [Float])],
                               gathered: [(Int, [Float], Int, [Int32])]) -> [Float] {
        let w2 = 2 * Self.w, w = Self.w
        var h = [Float].uninitialized(rows * w2)
        let bias = (Vec64(Array(mlp.bias0[0..<w])), Vec64(Array(mlp.bias0[w...])))
        h.withUnsafeMutableBufferPointer { hp in
            for r in 0..<rows {
                bias.0.store(hp.baseAddress! + r * w2)
                bias.1.store(hp.baseAddress! + r * w2 + w)
            }
        }
        for (part, x) in direct {
            Dense.parallelMatmulTransposed(x, mlp.inputBlocks[part], &h, m: rows, n: w2, k: w, accumulate: true)
        }
        // the per-entity projections back to back, with their row indices (one part after another)
        let offsets = gathered.reduce(into: [0]) { $0.append($0.last! + $1.2 * w2) }
        var projections = [Float].uninitialized(offsets.last!)
        projections.withUnsafeMutableBufferPointer { pp in
            for ((part, x, count, _), offset) in zip(gathered, offsets) {
                Dense.matmulTransposed(x, mlp.inputBlocks[part], pp.baseAddress! + offset, m: count, n: w2, k: w)
            }
        }
        let indices = gathered.flatMap { $0.3 }
        h.withUnsafeMutableBufferPointer { hp in
            projections.withUnsafeBufferPointer { pp in
                indices.withUnsafeBufferPointer { ip in
                    let sources: [UnsafePointer<Float>?] = offsets.dropLast().map { pp.baseAddress! + $0 }
                    let rowIndices: [UnsafePointer<Int32>?] = gathered.indices.map { ip.baseAddress! + $0 * rows }
                    WorkQueue.chunks(rows, grain: Dense.rowGrain) { range in
                        kiln_gather_add_parts(sources, rowIndices, Int32(gathered.count), hp.baseAddress!,
                                              range.lowerBound, range.upperBound, w2)
                    }
                }
            }
        }
        return h
    }

    /// Adds Σ_parts scatter(dh by index) · block to the gradients of the gathered inputs.
    private func scatterBack(_ mlp: GatedMLP, dh: [Float], rows: Int,
                             targets: [(part: Int, count: Int, index: [Int32])], into grads: [UnsafeMutablePointer<Float>]) {
        let w2 = 2 * Self.w, w = Self.w
        for (target, grad) in zip(targets, grads) {
            let s = Dense.scatterSum(dh, target.index, rows: rows, width: w2, targets: target.count)
            Dense.matmul(s, mlp.inputBlocks[target.part], grad, m: target.count, n: w, k: w2, accumulate: true)
        }
    }

    private func atomConv(_ layer: CHGNetWeights.Layer, v: inout [Float], b: [Float], wa: [Float],
                          record: Bool) -> GatedMLP.Tape? {
        let g = graph, e = g.directedEdgeCount, n = g.atoms, u = g.undirectedEdgeCount, w = Self.w
        let h = preActivation(layer.mlp, rows: e, direct: [],
                              gathered: [(0, v, n, g.centers), (1, b, u, g.undirectedOfDirected), (2, v, n, g.neighbors)])
        var (m, tape) = layer.mlp.forward(h, rows: e, record: record)
        m.withUnsafeMutableBufferPointer { mp in
            wa.withUnsafeBufferPointer { ap in
                let m = mp.baseAddress!, a = ap.baseAddress!
                for d in 0..<e { (Vec64.load(m + d * w) * Vec64.load(a + Int(g.undirectedOfDirected[d]) * w)).store(m + d * w) }
            }
        }
        let s = Dense.scatterSum(m, g.centers, rows: e, width: w, targets: n)
        Dense.matmulTransposed(s, layer.output, &v, m: n, n: w, k: w, accumulate: true)
        return tape
    }

    private func atomConvBackward(_ layer: CHGNetWeights.Layer, tape: GatedMLP.Tape, wa: [Float],
                                  dv: inout [Float], db: inout [Float], dwa: inout [Float]) {
        let g = graph, e = g.directedEdgeCount, n = g.atoms, u = g.undirectedEdgeCount, w = Self.w
        var ds = [Float].uninitialized(n * w)
        Dense.matmul(dv, layer.output, &ds, m: n, n: w, k: w)
        var dG = [Float].uninitialized(e * w)
        ds.withUnsafeBufferPointer { sp in
            wa.withUnsafeBufferPointer { ap in
                dG.withUnsafeMutableBufferPointer { gp in
                    for d in 0..<e {
                        let i = Int(g.centers[d]), bond = Int(g.undirectedOfDirected[d])
                        (Vec64.load(sp.baseAddress! + i * w) * Vec64.load(ap.baseAddress! + bond * w)).store(gp.baseAddress! + d * w)
                    }
                }
            }
        }
        let (dh, out) = layer.mlp.backward(dG, tape: tape)
        ds.withUnsafeBufferPointer { sp in
            out.withUnsafeBufferPointer { op in
                dwa.withUnsafeMutableBufferPointer { dp in
                    for d in 0..<e {
                        let i = Int(g.centers[d]), q = dp.baseAddress! + Int(g.undirectedOfDirected[d]) * w
                        (Vec64.load(q) + Vec64.load(sp.baseAddress! + i * w) * Vec64.load(op.baseAddress! + d * w)).store(q)
                    }
                }
            }
        }
        dv.withUnsafeMutableBufferPointer { dvp in
            db.withUnsafeMutableBufferPointer { dbp in
                scatterBack(layer.mlp, dh: dh, rows: e,
                            targets: [(0, n, g.centers), (1, u, g.undirectedOfDirected), (2, n, g.neighbors)],
                            into: [dvp.baseAddress!, dbp.baseAddress!, dvp.baseAddress!])
            }
        }
    }

    private func bondConv(_ layer: CHGNetWeights.Layer, v: [Float], b: inout [Float], a: [Float], wb: [Float],
                          record: Bool) -> GatedMLP.Tape? {
        let g = graph, t = g.angleCount, n = g.atoms, u = g.undirectedEdgeCount, w = Self.w
        let h = preActivation(layer.mlp, rows: t, direct: [(2, a)],
                              gathered: [(0, b, u, g.angleLeftBonds), (1, b, u, g.angleRightBonds), (3, v, n, g.angleCenters)])
        var (m, tape) = layer.mlp.forward(h, rows: t, record: record)
        m.withUnsafeMutableBufferPointer { mp in
            wb.withUnsafeBufferPointer { bp in
                let m = mp.baseAddress!, b = bp.baseAddress!
                for k in 0..<t {
                    let l = Int(g.angleLeftBonds[k]), r = Int(g.angleRightBonds[k])
                    (Vec64.load(m + k * w) * Vec64.load(b + l * w) * Vec64.load(b + r * w)).store(m + k * w)
                }
            }
        }
        let s = Dense.scatterSum(m, g.angleLeftBonds, rows: t, width: w, targets: u)
        Dense.matmulTransposed(s, layer.output, &b, m: u, n: w, k: w, accumulate: true)
        return tape
    }

    private func bondConvBackward(_ layer: CHGNetWeights.Layer, tape: GatedMLP.Tape, wb: [Float],
                                  dv: inout [Float], db: inout [Float], da: inout [Float], dwb: inout [Float]) {
        let g = graph, t = g.angleCount, n = g.atoms, u = g.undirectedEdgeCount, w = Self.w
        var ds = [Float].uninitialized(u * w)
        Dense.matmul(db, layer.output, &ds, m: u, n: w, k: w)
        var dG = [Float].uninitialized(t * w)
        ds.withUnsafeBufferPointer { sp in
            wb.withUnsafeBufferPointer { bp in
                dG.withUnsafeMutableBufferPointer { gp in
                    let s = sp.baseAddress!, b = bp.baseAddress!
                    for k in 0..<t {
                        let l = Int(g.angleLeftBonds[k]) * w, r = Int(g.angleRightBonds[k]) * w
                        (Vec64.load(s + l) * Vec64.load(b + l) * Vec64.load(b + r)).store(gp.baseAddress! + k * w)
                    }
                }
            }
        }
        let (dh, out) = layer.mlp.backward(dG, tape: tape)
        ds.withUnsafeBufferPointer { sp in
            wb.withUnsafeBufferPointer { bp in
                out.withUnsafeBufferPointer { op in
                    dwb.withUnsafeMutableBufferPointer { dp in
                        let s = sp.baseAddress!, b = bp.baseAddress!, d = dp.baseAddress!
                        for k in 0..<t {
                            let l = Int(g.angleLeftBonds[k]) * w, r = Int(g.angleRightBonds[k]) * w
                            let q = Vec64.load(s + l) * Vec64.load(op.baseAddress! + k * w)
                            (Vec64.load(d + l) + q * Vec64.load(b + r)).store(d + l)
                            (Vec64.load(d + r) + q * Vec64.load(b + l)).store(d + r)
                        }
                    }
                }
            }
        }
        Dense.parallelMatmul(dh, layer.mlp.inputBlocks[2], &da, m: t, n: w, k: 2 * w, accumulate: true)
        dv.withUnsafeMutableBufferPointer { dvp in
            db.withUnsafeMutableBufferPointer { dbp in
                scatterBack(layer.mlp, dh: dh, rows: t,
                            targets: [(0, u, g.angleLeftBonds), (1, u, g.angleRightBonds), (3, n, g.angleCenters)],
                            into: [dbp.baseAddress!, dbp.baseAddress!, dvp.baseAddress!])
            }
        }
    }

    private func angleUpdate(_ mlp: GatedMLP, v: [Float], b: [Float], a: inout [Float], record: Bool) -> GatedMLP.Tape? {
        let g = graph, t = g.angleCount, n = g.atoms, u = g.undirectedEdgeCount
        let h = preActivation(mlp, rows: t, direct: [(2, a)],
                              gathered: [(0, b, u, g.angleLeftBonds), (1, b, u, g.angleRightBonds), (3, v, n, g.angleCenters)])
        let (out, tape) = mlp.forward(h, rows: t, record: record)
        for k in 0..<out.count { a[k] += out[k] }
        return tape
    }

    private func angleUpdateBackward(_ mlp: GatedMLP, tape: GatedMLP.Tape,
                                     dv: inout [Float], db: inout [Float], da: inout [Float]) {
        let g = graph, t = g.angleCount, n = g.atoms, u = g.undirectedEdgeCount, w = Self.w
        let (dh, _) = mlp.backward(da, tape: tape)
        Dense.parallelMatmul(dh, mlp.inputBlocks[2], &da, m: t, n: w, k: 2 * w, accumulate: true)
        dv.withUnsafeMutableBufferPointer { dvp in
            db.withUnsafeMutableBufferPointer { dbp in
                scatterBack(mlp, dh: dh, rows: t,
                            targets: [(0, u, g.angleLeftBonds), (1, u, g.angleRightBonds), (3, n, g.angleCenters)],
                            into: [dbp.baseAddress!, dbp.baseAddress!, dvp.baseAddress!])
            }
        }
    }
}
