import Crystal
import Foundation

/// An extended XYZ trajectory file that relaxation frames are appended to as the run goes, in
/// the form ASE writes and reads: lattice, species, Cartesian positions and forces (eV/Å),
/// energy (eV), stress (eV/Å³, ASE sign), step and fmax.
public final class TrajectoryWriter {
    private let handle: FileHandle

    /// Creates (or truncates) the file at `url`.
    public init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
    }

    public func append(_ frame: RelaxationFrame) throws {
        try handle.write(contentsOf: Data(Self.text(frame).utf8))
    }

    deinit { try? handle.close() }

    /// One frame: the atom count line, the comment line with the per-frame properties, one
    /// line per atom.
    public static func text(_ f: RelaxationFrame) -> String {
        let s = f.structure
        func num(_ x: Double) -> String { String(format: "%.10f", x) }
        let lattice = s.lattice.matrix.array.joined().map(num).joined(separator: " ")
        var header = "Lattice=\"\(lattice)\" Properties=species:S:1:pos:R:3"
        let hasForces = f.result.forces.count == s.count
        if hasForces { header += ":forces:R:3" }
        header += " energy=\(num(f.result.energy))"
        if let stress = f.result.stress {
            let v = (stress * eVPerCubicAngstromPerGPa).array.joined().map { String(format: "%.10e", $0) }
            header += " stress=\"\(v.joined(separator: " "))\""
        }
        header += " step=\(f.step) fmax=\(num(f.fmax)) pbc=\"T T T\""
        var out = "\(s.count)\n\(header)\n"
        for (i, site) in s.sites.enumerated() {
            let r = s.lattice.cartesian(site.frac)
            var line = "\(site.element.symbol) \(num(r.x)) \(num(r.y)) \(num(r.z))"
            if hasForces {
                let fi = f.result.forces[i]
                line += " \(num(fi.x)) \(num(fi.y)) \(num(fi.z))"
            }
            out += line + "\n"
        }
        return out
    }
}
