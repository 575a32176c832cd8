import KilnSupport

func gatherKernel<T: TensorScalar>(_ x: [T], width w: Int, _ rows: [Int]) -> [T] {
    makeArray(count: rows.count * w) { (ob: UnsafeMutableBufferPointer<T>) in
        x.withUnsafeBufferPointer { xb in
            rows.withUnsafeBufferPointer { ib in
                guard rows.count * w > 0 else { return }
                let o = ob.baseAddress!, xp = xb.baseAddress!, ip = ib.baseAddress!
                WorkQueue.chunks(rows.count, grain: Swift.max(1, (1 << 15) / Swift.max(w, 1))) { r in
                    for i in r { (o + i * w).update(from: xp + ip[i] * w, count: w) }
                }
            }
        }
    }
}

func scatterAddKernel<T: TensorScalar>(_ x: [T], width w: Int, _ rows: [Int], count: Int) -> [T] {
    var out = [T](repeating: 0, count: count * w)
    x.withUnsafeBufferPointer { xb in
        rows.withUnsafeBufferPointer { ib in
            out.withUnsafeMutableBufferPointer { ob in
                guard rows.count * w > 0 else { return }
                let o = ob.baseAddress!, xp = xb.baseAddress!, ip = ib.baseAddress!
                // Workers own disjoint column bands, so no two write the same element.
                let bands = (rows.count * w >= 1 << 16 && w >= 16) ? Swift.min(WorkQueue.workers, w / 8) : 1
                let band = (w + bands - 1) / bands
                WorkQueue.chunks(bands, grain: 1) { parts in
                    for part in parts {
                        let lo = part * band, hi = Swift.min(w, lo + band)
                        for i in 0..<rows.count {
                            let src = xp + i * w + lo, dst = o + ip[i] * w + lo
                            for j in 0..<(hi - lo) { dst[j] += src[j] }
                        }
                    }
                }
            }
        }
    }
    return out
}

/// Copies, for each of `outer` blocks, `length` elements from `x` at
/// `block·xStride + xOffset` to the output at `block·oStride + oOffset`.
func blockCopy<T: TensorScalar>(
    _ x: UnsafeBufferPointer<T>, xStride: Int, xOffset: Int,
    _ o: UnsafeMutableBufferPointer<T>, oStride: Int, oOffset: Int, outer: Int, length: Int
) {
    guard length > 0 else { return }
    let xp = x.baseAddress!, op = o.baseAddress!
    for b in 0..<outer {
        (op + b * oStride + oOffset).update(from: xp + b * xStride + xOffset, count: length)
    }
}

extension Tensor {
    /// Elements per row: product of all extents but the first.
    var rowWidth: Int { shape.dropFirst().reduce(1, *) }

    func checkRows(_ rows: [Int], limit: Int, op: String) {
        for (i, r) in rows.enumerated() where r < 0 || r >= limit {
            preconditionFailure("Tensor.\(op): index \(r) at position \(i) is outside 0..<\(limit)")
        }
    }

    /// Rows (slices along axis 0) picked by index: result row `i` is row `rows[i]`
    /// (`torch.index_select(x, 0, rows)`). Gradients scatter-add back.
    public func gather(rows: [Int]) -> Tensor {
        precondition(rank >= 1, "Tensor.gather: needs rank ≥ 1, got a scalar")
        checkRows(rows, limit: shape[0], op: "gather")
        let w = rowWidth
        var newShape = shape
        newShape[0] = rows.count
        let value: Tensor
        switch storage {
        case .float32(let v): value = Tensor(shape: newShape, storage: .float32(gatherKernel(v, width: w, rows)))
        case .float64(let v): value = Tensor(shape: newShape, storage: .float64(gatherKernel(v, width: w, rows)))
        }
        let n = shape[0]
        return Tensor.record(value, inputs: [self]) { g, _ in [g.scatterAdd(rows: rows, count: n)] }
    }

    /// Row `i` added into row `rows[i]` of a zero tensor with `count` rows
    /// (`index_add_` / segment sum for message passing). Gradients gather back.
    public func scatterAdd(rows: [Int], count: Int) -> Tensor {
        precondition(rank >= 1, "Tensor.scatterAdd: needs rank ≥ 1, got a scalar")
        precondition(
            rows.count == shape[0],
            "Tensor.scatterAdd: \(rows.count) indices for \(shape[0]) rows")
        checkRows(rows, limit: count, op: "scatterAdd")
        let w = rowWidth
        var newShape = shape
        newShape[0] = count
        let value: Tensor
        switch storage {
        case .float32(let v):
            value = Tensor(shape: newShape, storage: .float32(scatterAddKernel(v, width: w, rows, count: count)))
        case .float64(let v):
            value = Tensor(shape: newShape, storage: .float64(scatterAddKernel(v, width: w, rows, count: count)))
        }
        return Tensor.record(value, inputs: [self]) { g, _ in [g.gather(rows: rows)] }
    }

    /// Mean of the rows sent to each of `count` segments (CHGNet's `aggregate` with
    /// `average=True`: empty segments give zeros).
    public func segmentMean(rows: [Int], count: Int) -> Tensor {
        var sizes = [Double](repeating: 0, count: count)
        for r in rows where r >= 0 && r < count { sizes[r] += 1 }
        var scaleShape = [Int](repeating: 1, count: rank)
        scaleShape[0] = count
        let inverse = sizes.map { 1 / Swift.max($0, 1) }
        let scale = Tensor(shape: scaleShape, scalars: inverse).cast(to: dtype)
        return scatterAdd(rows: rows, count: count) * scale
    }

    /// Tensors joined along `axis`; all other extents must agree.
    public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "Tensor.concat: no tensors")
        let first = tensors[0]
        let a = first.normalizedAxis(axis, op: "concat")
        for t in tensors {
            precondition(t.dtype == first.dtype, "Tensor.concat: dtype mismatch \(t.dtype) vs \(first.dtype)")
            precondition(
                t.rank == first.rank
                    && t.shape.enumerated().allSatisfy { $0.offset == a || $0.element == first.shape[$0.offset] },
                "Tensor.concat: shape \(t.shape) does not match \(first.shape) off axis \(a)")
        }
        if tensors.count == 1 { return first }
        let outer = first.shape[..<a].reduce(1, *)
        let inner = first.shape[(a + 1)...].reduce(1, *)
        let extents = tensors.map { $0.shape[a] }
        let total = extents.reduce(0, +)
        var newShape = first.shape
        newShape[a] = total
        func join<T: TensorScalar>(_ parts: [[T]]) -> [T] {
            makeArray(count: outer * total * inner) { (o: UnsafeMutableBufferPointer<T>) in
                var offset = 0
                for (part, extent) in zip(parts, extents) {
                    part.withUnsafeBufferPointer { xp in
                        blockCopy(
                            xp, xStride: extent * inner, xOffset: 0, o, oStride: total * inner, oOffset: offset,
                            outer: outer, length: extent * inner)
                    }
                    offset += extent * inner
                }
            }
        }
        let value: Tensor
        switch first.dtype {
        case .float32: value = Tensor(shape: newShape, storage: .float32(join(tensors.map { Float.unwrap($0.storage)! })))
        case .float64: value = Tensor(shape: newShape, storage: .float64(join(tensors.map { Double.unwrap($0.storage)! })))
        }
        return record(value, inputs: tensors) { g, needed in
            var start = 0
            return zip(extents, needed).map { extent, need in
                defer { start += extent }
                return need ? g.slice(axis: a, start..<(start + extent)) : nil
            }
        }
    }

    /// The elements with index in `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let a = normalizedAxis(axis, op: "slice")
        precondition(
            range.lowerBound >= 0 && range.upperBound <= shape[a],
            "Tensor.slice: range \(range) outside 0..<\(shape[a]) on axis \(a) of \(shape)")
        if range.count == shape[a] { return self }
        let outer = shape[..<a].reduce(1, *)
        let inner = shape[(a + 1)...].reduce(1, *)
        var newShape = shape
        newShape[a] = range.count
        let extent = shape[a]
        func cut<T: TensorScalar>(_ x: [T]) -> [T] {
            makeArray(count: outer * range.count * inner) { (o: UnsafeMutableBufferPointer<T>) in
                x.withUnsafeBufferPointer { xp in
                    blockCopy(
                        xp, xStride: extent * inner, xOffset: range.lowerBound * inner, o,
                        oStride: range.count * inner, oOffset: 0, outer: outer, length: range.count * inner)
                }
            }
        }
        let value: Tensor
        switch storage {
        case .float32(let v): value = Tensor(shape: newShape, storage: .float32(cut(v)))
        case .float64(let v): value = Tensor(shape: newShape, storage: .float64(cut(v)))
        }
        return Tensor.record(value, inputs: [self]) { g, _ in
            [g.padded(axis: a, before: range.lowerBound, after: extent - range.upperBound)]
        }
    }

    /// Zeros added before and after the elements along `axis`.
    public func padded(axis: Int, before: Int, after: Int) -> Tensor {
        let a = normalizedAxis(axis, op: "padded")
        precondition(before >= 0 && after >= 0, "Tensor.padded: negative padding \(before), \(after)")
        if before == 0 && after == 0 { return self }
        let outer = shape[..<a].reduce(1, *)
        let inner = shape[(a + 1)...].reduce(1, *)
        let extent = shape[a]
        let total = extent + before + after
        var newShape = shape
        newShape[a] = total
        func pad<T: TensorScalar>(_ x: [T]) -> [T] {
            var o = [T](repeating: 0, count: outer * total * inner)
            x.withUnsafeBufferPointer { xp in
                o.withUnsafeMutableBufferPointer { op in
                    blockCopy(
                        xp, xStride: extent * inner, xOffset: 0, op, oStride: total * inner,
                        oOffset: before * inner, outer: outer, length: extent * inner)
                }
            }
            return o
        }
        let value: Tensor
        switch storage {
        case .float32(let v): value = Tensor(shape: newShape, storage: .float32(pad(v)))
        case .float64(let v): value = Tensor(shape: newShape, storage: .float64(pad(v)))
        }
        return Tensor.record(value, inputs: [self]) { g, _ in [g.slice(axis: a, before..<(before + extent))] }
    }

    /// Elementwise choice: `a` where `mask` is true, `b` elsewhere (all the same shape;
    /// `mask` row-major).
    public static func select(_ mask: [Bool], _ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(
            a.shape == b.shape && mask.count == a.count,
            "Tensor.select: mask of \(mask.count) and shapes \(a.shape), \(b.shape) must agree")
        precondition(a.dtype == b.dtype, "Tensor.select: dtype mismatch \(a.dtype) vs \(b.dtype)")
        func choose<T: TensorScalar>(_ x: [T], _ y: [T]) -> [T] {
            var o = y
            for i in 0..<mask.count where mask[i] { o[i] = x[i] }
            return o
        }
        let value: Tensor
        switch (a.storage, b.storage) {
        case let (.float32(x), .float32(y)): value = Tensor(shape: a.shape, storage: .float32(choose(x, y)))
        case let (.float64(x), .float64(y)): value = Tensor(shape: a.shape, storage: .float64(choose(x, y)))
        default: fatalError("unreachable: dtypes checked above")
        }
        return record(value, inputs: [a, b]) { g, needed in
            let zero = Tensor.zeros(g.shape, dtype: g.dtype)
            return [needed[0] ? select(mask, g, zero) : nil, needed[1] ? select(mask, zero, g) : nil]
        }
    }
}
