import Crystal
import CrystalIO
import Foundation
import Symmetry

/// Materials Project's relaxation inputs for VASP, as pymatgen's `MPRelaxSet` writes them: INCAR
/// (PBE, 520 eV, spin-polarised with MP's initial moments, +U on Co, Cr, Fe, Mn, Mo, Ni, V and W in
/// oxides and fluorides, EDIFF 5·10⁻⁵ eV per atom), KPOINTS (64 k-points per Å⁻³ of reciprocal
/// volume), POSCAR (sites sorted by electronegativity) and the POTCAR symbols (POTCARs themselves
/// cannot be shipped). Energies from these inputs are on the scale of MP's entries, so the hull takes
/// them with the MP2020 corrections (`LabOutcome.Kind.dft`). Settings: Resources/mp_relax_set.json,
/// built from pymatgen's MPRelaxSet.yaml by scripts/build_vasp_sets.py.
public struct VASPInputSet: Sendable {
    /// An INCAR value.
    public enum Value: Sendable, Equatable, Decodable {
        case bool(Bool), int(Int), double(Double), string(String), list([Double])

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int.self) { self = .int(i) }
            else if let d = try? c.decode(Double.self) { self = .double(d) }
            else { self = .string(try c.decode(String.self)) }
        }

        /// As VASP reads it: .TRUE./.FALSE., lists with runs written n*x (as pymatgen does).
        var text: String {
            switch self {
            case .bool(let b): return b ? ".TRUE." : ".FALSE."
            case .int(let i): return String(i)
            case .double(let d): return Self.number(d)
            case .string(let s): return s
            case .list(let xs):
                var runs: [(Double, Int)] = []
                for x in xs { if let last = runs.last, last.0 == x { runs[runs.count - 1].1 += 1 } else { runs.append((x, 1)) } }
                return runs.map { $0.1 > 1 ? "\($0.1)*\(Self.number($0.0))" : Self.number($0.0) }.joined(separator: " ")
            }
        }

        static func number(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e9 ? String(Int(d)) : "\(d)" }
    }

    /// The structure as written to the POSCAR: sites sorted by electronegativity (then symbol).
    public let structure: Structure
    /// INCAR tags in alphabetical order.
    public let incar: [(key: String, value: Value)]
    /// The k-point mesh: Gamma-centred or Monkhorst–Pack, divisions along a, b, c.
    public let kpointStyle: String, kpointGrid: [Int]
    /// Element symbols in POSCAR order, their counts, and the POTCAR of each.
    public let symbols: [String], counts: [Int], potcars: [String]

    /// MPRelaxSet's inputs for an ordered structure.
    public init(mpRelax structure: Structure) throws {
        let settings = try MPRelaxSettings.bundled()
        guard structure.isOrdered else { throw DFTError.badInput("VASP inputs need an ordered structure (one species per site)") }
        let order = structure.sites.indices.sorted {
            let (a, b) = (structure.sites[$0].element, structure.sites[$1].element)
            return (a.sortingElectronegativity, a.symbol, $0) < (b.sortingElectronegativity, b.symbol, $1)
        }
        let sorted = Structure(lattice: structure.lattice, sites: order.map { structure.sites[$0] })
        self.structure = sorted
        var symbols: [String] = [], counts: [Int] = []
        for site in sorted.sites {
            if symbols.last == site.element.symbol { counts[counts.count - 1] += 1 } else { symbols.append(site.element.symbol); counts.append(1) }
        }
        (self.symbols, self.counts) = (symbols, counts)
        potcars = try symbols.map { s in
            guard let p = settings.potcar[s] else { throw DFTError.badInput("Materials Project has no POTCAR choice for \(s)") }
            return p
        }

        var tags = settings.incar
        tags["EDIFF"] = .double(settings.ediffPerAtom * Double(sorted.count))
        tags["MAGMOM"] = .list(sorted.sites.map { settings.magmom[$0.element.symbol] ?? 0.6 })
        // +U keyed by the most electronegative element (O or F); dropped when no U is non-zero.
        let elements = Set(sorted.sites.map(\.element)).sorted { ($0.sortingElectronegativity, $0.symbol) < ($1.sortingElectronegativity, $1.symbol) }
        let anion = elements.last!.symbol
        let u = settings.ldau[anion]
        let uValues = symbols.map { u?.U[$0] ?? 0 }
        if uValues.contains(where: { $0 > 0 }), let u {
            tags["LDAUU"] = .list(uValues)
            tags["LDAUJ"] = .list(symbols.map { u.J[$0] ?? 0 })
            tags["LDAUL"] = .list(symbols.map { u.L[$0] ?? 0 })
        } else {
            for k in tags.keys where k.hasPrefix("LDAU") { tags[k] = nil }
        }
        if elements.contains(where: { $0.z > 56 }) { tags["LMAXMIX"] = .int(6) } else if elements.contains(where: { $0.z > 20 }) { tags["LMAXMIX"] = .int(4) }
        incar = tags.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
        (kpointStyle, kpointGrid) = try Self.kpoints(sorted, density: settings.reciprocalDensity)
    }

    /// pymatgen's `Kpoints.automatic_density_by_vol`: divisions proportional to the reciprocal
    /// lengths for `density` × reciprocal volume × sites points; Gamma-centred when a division is odd,
    /// the cell hexagonal or the space group F-centred.
    static func kpoints(_ s: Structure, density: Double) throws -> (String, [Int]) {
        let volume = s.lattice.volume
        var kppa = density * pow(2 * Double.pi, 3) / volume * Double(s.count)
        if abs(pow((pow(kppa, 1.0 / 3) + 0.5).rounded(.down), 3) - kppa) < 1 { kppa += kppa * 0.01 }
        let lengths = s.lattice.lengths
        let mult = pow(kppa / Double(s.count) * lengths.x * lengths.y * lengths.z, 1.0 / 3)
        let grid = [lengths.x, lengths.y, lengths.z].map { Int(max(mult / $0, 1).rounded(.down)) }
        let angles = s.lattice.angles
        let a = [angles.x, angles.y, angles.z], l = [lengths.x, lengths.y, lengths.z]
        let right = (0..<3).filter { abs(a[$0] - 90) < 5 }
        let hexAngles = (0..<3).filter { abs(a[$0] - 60) < 5 || abs(a[$0] - 120) < 5 }
        let hexagonal = right.count == 2 && hexAngles.count == 1 && abs(l[right[0]] - l[right[1]]) < 0.01
        let faceCentred = try SymmetryDataset(s, symprec: 0.01, angleTolerance: 5).international.hasPrefix("F")
        let gamma = grid.contains { $0 % 2 == 1 } || hexagonal || faceCentred
        return (gamma ? "Gamma" : "Monkhorst", grid)
    }

    /// The INCAR file.
    public var incarText: String { incar.map { "\($0.key) = \($0.value.text)" }.joined(separator: "\n") + "\n" }

    /// The KPOINTS file (automatic mesh).
    public var kpointsText: String { "Materials Project relaxation k-mesh (64 per Å⁻³)\n0\n\(kpointStyle)\n\(kpointGrid.map(String.init).joined(separator: " "))\n" }

    /// Writes INCAR, KPOINTS, POSCAR and POTCAR.spec (the POTCAR symbols, PBE set) into `folder`.
    public func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try incarText.write(to: folder.appendingPathComponent("INCAR"), atomically: true, encoding: .utf8)
        try kpointsText.write(to: folder.appendingPathComponent("KPOINTS"), atomically: true, encoding: .utf8)
        try POSCAR(structure: structure).string().write(to: folder.appendingPathComponent("POSCAR"), atomically: true, encoding: .utf8)
        try (potcars.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("POTCAR.spec"), atomically: true, encoding: .utf8)
    }
}

/// MPRelaxSet's settings (Resources/mp_relax_set.json).
struct MPRelaxSettings: Decodable {
    struct Hubbard: Decodable { let U: [String: Double], J: [String: Double], L: [String: Double] }
    let incar: [String: VASPInputSet.Value]
    let ediffPerAtom: Double
    let ldau: [String: Hubbard]
    let magmom: [String: Double]
    let potcar: [String: String]
    let reciprocalDensity: Double

    enum CodingKeys: String, CodingKey {
        case incar, ldau, magmom, potcar
        case ediffPerAtom = "ediff_per_atom", reciprocalDensity = "reciprocal_density"
    }

    static func bundled() throws -> MPRelaxSettings {
        guard let url = Bundle.module.url(forResource: "mp_relax_set", withExtension: "json") else {
            throw DFTError.badInput("mp_relax_set.json is missing from this build")
        }
        return try JSONDecoder().decode(MPRelaxSettings.self, from: Data(contentsOf: url))
    }
}

/// A DFT input or output problem.
public enum DFTError: Error, CustomStringConvertible {
    case badInput(String)
    public var description: String {
        switch self {
        case .badInput(let why): return why
        }
    }
}
