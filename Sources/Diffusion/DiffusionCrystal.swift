import Crystal
import Foundation

/// One crystal as the diffusion model handles it: atomic numbers, fractional coordinates in [0, 1)
/// and lattice rows, with an id and the scalar properties a model can be conditioned on.
public struct DiffusionCrystal: Sendable, Equatable {
    public var id: String
    public var numbers: [Int]
    /// [N·3] fractional coordinates and [9] lattice rows (a, b, c) in Å.
    public var fractional: [Double], lattice: [Double]
    public var properties: [String: Double]

    public init(id: String, numbers: [Int], fractional: [Double], lattice: [Double], properties: [String: Double] = [:]) {
        precondition(fractional.count == 3 * numbers.count && lattice.count == 9, "DiffusionCrystal: inconsistent arrays")
        (self.id, self.numbers, self.fractional, self.lattice, self.properties) = (id, numbers, fractional, lattice, properties)
    }

    /// An ordered structure's crystal (the majority species of each site).
    public init(_ s: Structure, id: String, properties: [String: Double] = [:]) {
        let m = s.lattice.matrix
        var fractional: [Double] = [], lattice: [Double] = []
        for site in s.sites {
            for k in 0..<3 { fractional.append(site.frac[k] - site.frac[k].rounded(.down)) }
        }
        for i in 0..<3 { for j in 0..<3 { lattice.append(m[i, j]) } }
        self.init(id: id, numbers: s.sites.map { $0.element.z }, fractional: fractional, lattice: lattice, properties: properties)
    }

    /// CDVAE's and DiffCSP's preprocessing (`build_crystal` with niggli=True): the Niggli-reduced cell
    /// in the standard orientation of its lattice parameters (a along x, b in the xy plane).
    public static func canonical(_ s: Structure) -> Structure {
        let reduced = s.lattice.niggliReduced()
        let p = reduced.parameters
        let standard = Lattice(a: p[0], b: p[1], c: p[2], alpha: p[3], beta: p[4], gamma: p[5])
        var out = Structure(lattice: standard, sites: s.sites)
        for i in out.sites.indices {
            let f = reduced.fractional(s.lattice.cartesian(s.sites[i].frac))
            out.sites[i].frac = f - f.rounded(.down)
        }
        return out
    }

    /// The structure; throws when the lattice is degenerate (|det| < 1e-6 Å³, or not finite) or an
    /// atomic number is unknown.
    public func structure() throws -> Structure {
        let v = lattice
        let matrix = Matrix3(Vec3(v[0], v[1], v[2]), Vec3(v[3], v[4], v[5]), Vec3(v[6], v[7], v[8]))
        guard abs(matrix.determinant) >= 1e-6, matrix.determinant.isFinite else {
            throw DiffusionError.badData("\(id): degenerate lattice (volume \(matrix.determinant) Å³)")
        }
        var sites: [Site] = []
        for (i, z) in numbers.enumerated() {
            sites.append(Site(try Element(z: z), Vec3(fractional[3 * i], fractional[3 * i + 1], fractional[3 * i + 2])))
        }
        // A sampled lattice may come out left-handed; calculators read stress from the signed
        // volume, so it is turned right-handed here (the same crystal), as structure files are.
        return Structure(lattice: Lattice(matrix), sites: sites).rightHanded()
    }
}
