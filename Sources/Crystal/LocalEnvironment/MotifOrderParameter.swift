/// A motif order parameter of matminer's CrystalNNFingerprint "ops" preset: pymatgen's
/// LocalStructOrderParams of the motif's type with CN_OPT_PARAMS parameters.
public struct MotifOrderParameter: Sendable {
    public let coordination: Int
    public let motif: String
    private let parameter: LocalOrderParameter

    /// Throws `MotifOrderParameterError.unknownMotif` for a (coordination, motif) pair not in the preset.
    public init(coordination: Int, motif: String) throws {
        guard Self.opsPreset[coordination]?.contains(motif) == true else {
            throw MotifOrderParameterError.unknownMotif(coordination: coordination, motif: motif)
        }
        self.coordination = coordination
        self.motif = motif
        // As matminer: the CN_OPT_PARAMS entry if there is one (its parameters replace the
        // defaults whole), else the motif name is the type itself, with default parameters.
        let type: OrderParameterType
        let settings: OrderParameterSettings?
        if let entry = OrderParameterTables.motifs[coordination]?[motif] {
            (type, settings) = entry
        } else if let named = OrderParameterType(rawValue: motif) {
            (type, settings) = (named, nil)
        } else {
            throw MotifOrderParameterError.unknownMotif(coordination: coordination, motif: motif)
        }
        parameter = LocalOrderParameter(type: type, settings: settings ?? OrderParameterTables.defaults(type))
    }

    /// Value for `center` and its neighbours (Cartesian Å); nil where pymatgen returns None.
    public func value(center: Vec3, neighbors: [Vec3]) -> Double? {
        parameter.value(center: center, neighbors: neighbors)
    }

    /// matminer's load_cn_target_motif_op: for CN 1...12, the motif names in matminer's order.
    public static let opsPreset: [Int: [String]] = [
        1: ["sgl_bd"],
        2: ["L-shaped", "water-like", "bent 120 degrees", "bent 150 degrees", "linear"],
        3: ["trigonal planar", "trigonal non-coplanar", "T-shaped"],
        4: ["square co-planar", "tetrahedral", "rectangular see-saw-like", "see-saw-like", "trigonal pyramidal"],
        5: ["pentagonal planar", "square pyramidal", "trigonal bipyramidal"],
        6: ["hexagonal planar", "octahedral", "pentagonal pyramidal"],
        7: ["hexagonal pyramidal", "pentagonal bipyramidal"],
        8: ["body-centered cubic", "hexagonal bipyramidal"],
        9: ["q2", "q4", "q6"],
        10: ["q2", "q4", "q6"],
        11: ["q2", "q4", "q6"],
        12: ["cuboctahedral", "q2", "q4", "q6"],
    ]
}

/// A motif that matminer's "ops" preset does not define for the coordination number.
public enum MotifOrderParameterError: Error, Equatable, CustomStringConvertible {
    case unknownMotif(coordination: Int, motif: String)

    public var description: String {
        switch self {
        case .unknownMotif(let cn, let motif):
            return "no motif '\(motif)' for coordination number \(cn) in matminer's \"ops\" preset"
        }
    }
}
