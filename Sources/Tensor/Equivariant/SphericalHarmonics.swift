import Foundation

extension Tensor {
    /// Real spherical harmonics Y^0 … Y^lmax of the rows of `self` ([E, 3] unit vectors), as
    /// e3nn computes them (`o3.spherical_harmonics(..., normalization="component")`: ‖Y^l‖² = 2l+1,
    /// e3nn's component order, y the polar axis). One [E, 2l+1] tensor per l; differentiable.
    /// Degrees up to 3.
    public func sphericalHarmonics(lmax: Int) -> [Tensor] {
        precondition(rank == 2 && shape[1] == 3, "Tensor.sphericalHarmonics: needs [E, 3] unit vectors, got \(shape)")
        precondition((0...3).contains(lmax), "Tensor.sphericalHarmonics: lmax \(lmax) outside 0...3")
        let x = slice(axis: 1, 0..<1), y = slice(axis: 1, 1..<2), z = slice(axis: 1, 2..<3)
        var out = [Tensor.ones([shape[0], 1], dtype: dtype)]
        guard lmax >= 1 else { return out }
        let s3 = 3.0.squareRoot()
        out.append(Tensor.concat([x * s3, y * s3, z * s3], axis: 1))
        guard lmax >= 2 else { return out }
        let s15 = 15.0.squareRoot()
        let y2 = y.squared(), x2z2 = x.squared() + z.squared()
        let sh20 = x * z * s15, sh24 = (z.squared() - x.squared()) * (0.5 * s15)
        out.append(Tensor.concat([sh20, x * y * s15, (y2 - x2z2 * 0.5) * 5.0.squareRoot(), y * z * s15, sh24], axis: 1))
        guard lmax >= 3 else { return out }
        let s7 = 7.0.squareRoot(), c42 = 42.0.squareRoot() / 6, c168 = 168.0.squareRoot() / 8
        let inner = y2 * 4.0 - x2z2
        out.append(Tensor.concat([
            (sh20 * z + sh24 * x) * c42,
            sh20 * y * s7,
            inner * x * c168,
            y * (y2 * 2.0 - x2z2 * 3.0) * (0.5 * s7),
            z * inner * c168,
            sh24 * y * s7,
            (sh24 * z - sh20 * x) * c42,
        ], axis: 1))
        return out
    }
}
