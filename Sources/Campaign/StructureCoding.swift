import Crystal
import Foundation

/// The compact JSON form the store keeps structures in: {"lattice", "species", "frac_coords"}
/// (the fixtures' form; ordered structures only).
enum StructureCoding {
    private struct Form: Codable {
        var lattice: [[Double]]
        var species: [String]
        var frac_coords: [[Double]]
    }

    static func encode(_ s: Structure) -> String {
        let form = Form(lattice: s.lattice.matrix.array, species: s.sites.map(\.element.symbol),
                        frac_coords: s.fracCoords.map { [$0.x, $0.y, $0.z] })
        return String(decoding: try! JSONEncoder().encode(form), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> Structure {
        let f = try JSONDecoder().decode(Form.self, from: Data(text.utf8))
        guard f.lattice.count == 3, f.lattice.allSatisfy({ $0.count == 3 }), f.species.count == f.frac_coords.count,
              f.frac_coords.allSatisfy({ $0.count == 3 })
        else { throw CrystalError.invalidStructure("stored structure JSON is malformed") }
        return Structure(lattice: Lattice(f.lattice), species: try f.species.map { try Element($0) },
                         fracCoords: f.frac_coords.map { Vec3($0[0], $0[1], $0[2]) })
    }
}
