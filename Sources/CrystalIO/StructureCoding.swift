import Crystal
import Foundation

/// The compact JSON form of an ordered structure, `{"lattice", "species", "frac_coords"}`: how the
/// campaign store keeps structures and how the fixtures and benchmark inputs write them.
public struct StructureCoding: Codable, Sendable, Hashable {
    /// Lattice vectors as rows (Å).
    public var lattice: [[Double]]
    /// Element symbol of each site.
    public var species: [String]
    /// Fractional coordinates of each site.
    public var frac_coords: [[Double]]

    /// The coding of an ordered structure (a disordered site is written as its majority element).
    public init(_ s: Structure) {
        lattice = s.lattice.matrix.array
        species = s.sites.map(\.element.symbol)
        frac_coords = s.fracCoords.map { [$0.x, $0.y, $0.z] }
    }

    /// The structure; throws when the arrays do not fit together or a symbol is not an element.
    public func structure() throws -> Structure {
        guard lattice.count == 3, lattice.allSatisfy({ $0.count == 3 }), species.count == frac_coords.count,
              frac_coords.allSatisfy({ $0.count == 3 })
        else { throw CrystalError.invalidStructure("structure JSON needs a 3×3 lattice and one [x, y, z] per species") }
        return Structure(lattice: Lattice(lattice), species: try species.map { try Element($0) },
                         fracCoords: frac_coords.map { Vec3($0[0], $0[1], $0[2]) })
    }

    /// `s` as one line of compact JSON.
    public static func encode(_ s: Structure) -> String {
        // Encoding arrays of finite doubles and strings cannot fail.
        String(decoding: try! JSONEncoder().encode(StructureCoding(s)), as: UTF8.self)
    }

    /// The structure written by `encode`.
    public static func decode(_ text: String) throws -> Structure {
        try JSONDecoder().decode(StructureCoding.self, from: Data(text.utf8)).structure()
    }
}
