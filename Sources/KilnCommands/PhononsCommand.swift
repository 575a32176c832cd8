import ArgumentParser
import Campaign
import Crystal
import Dynamics
import Foundation
import KilnSupport
import Potentials

/// `kiln phonons FILE… [--supercell 3x3x3 | --min-length L] [--json] [--out DIR]`: finite-displacement
/// phonons with a universal potential and the dynamic-stability verdict.
struct PhononsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phonons",
        abstract: "Phonons by finite displacements with a universal potential (phonopy's method) and a dynamic-stability verdict.",
        discussion: """
            Each structure is relaxed first (cell and ions, its space group kept, fmax 0.001 eV/Å) unless \
            --no-relax. A diagonal supercell (the smallest whose perpendicular widths reach --min-length Å, \
            or --supercell) is displaced by 0.01 Å along phonopy's symmetry-reduced directions; force \
            constants are solved with the site symmetry, symmetrised (permutation, acoustic sum rule) and \
            give frequencies (THz; imaginary ones printed negative) at Γ, along the path Γ–X–S–Y–Γ–Z–R of \
            the unit cell's reciprocal axes, and on a Γ-centred mesh. Dynamically stable: no frequency \
            below −tolerance (default 0.1 THz; finite differences leave a few hundredths of a THz of noise \
            near Γ). A supercell above --max-atoms, or whose force calculations are estimated (from the \
            undisplaced supercell's) to take longer than --time-limit seconds, is refused with the \
            estimate. With --out: <name>.band.csv and <name>.band.svg per structure. docs/phonons.md.
            """)

    @OptionGroup var inputs: StructureFiles
    @OptionGroup var potential: ModelOptions

    @Option(help: "Supercell repetitions, e.g. 3x3x2 (default: from --min-length).")
    var supercell: String?
    @Option(name: .customLong("min-length"), help: "Smallest perpendicular width of the supercell (Å).")
    var minLength = 10.0
    @Option(help: "Displacement length (Å).")
    var distance = 0.01
    @Option(help: "Imaginary frequencies up to this size (THz) count as numerical noise.")
    var tolerance = 0.1
    @Option(name: .customLong("max-atoms"), help: "Refuse supercells with more atoms.")
    var maxAtoms = 500
    @Option(name: .customLong("time-limit"), help: "Refuse when the force calculations are estimated to take longer (s).")
    var timeLimit = 1800.0
    @Flag(name: .customLong("no-relax"), help: "Use the structures as given (they should be relaxed with the same potential).")
    var noRelax = false
    @Flag(help: "Print one JSON array with a record per structure.")
    var json = false
    @Option(help: "Write band-structure CSV and SVG files here.")
    var out: String?

    func validate() throws {
        if let supercell, Self.size(supercell) == nil { throw ValidationError("--supercell: expected three positive integers like 3x3x2, got '\(supercell)'") }
        guard distance > 0, distance <= 0.1 else { throw ValidationError("--distance must be in (0, 0.1] Å") }
        guard minLength > 0, tolerance >= 0, maxAtoms >= 1, timeLimit > 0 else {
            throw ValidationError("--min-length, --max-atoms and --time-limit must be positive, --tolerance ≥ 0")
        }
    }

    static func size(_ text: String) -> SIMD3<Int>? {
        let parts = text.split(whereSeparator: { $0 == "x" || $0 == "," }).compactMap { Int($0) }
        guard parts.count == 3, parts.allSatisfy({ $0 >= 1 }) else { return nil }
        return SIMD3(parts[0], parts[1], parts[2])
    }

    func run() throws {
        let (entries, skipped) = try inputs.loadReadable(command: "phonons")
        let loaded = try potential.load()
        var calculator = PhononCalculator(calculator: loaded.calculator)
        calculator.size = supercell.flatMap(Self.size)
        (calculator.minimumLength, calculator.distance, calculator.tolerance) = (minLength, distance, tolerance)
        (calculator.maximumAtoms, calculator.timeLimit, calculator.relaxFirst) = (maxAtoms, timeLimit, !noRelax)
        if let out { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) }
        var records: [[String: Any]] = []
        var failed = skipped > 0
        if !json { print("model: \(loaded.label)") }
        for entry in entries {
            do {
                let r = try calculator.calculate(entry.structure)
                if let out {
                    let base = URL(fileURLWithPath: entry.name).deletingPathExtension().lastPathComponent.replacingOccurrences(of: "#", with: "_")
                    let stem = URL(fileURLWithPath: out).appendingPathComponent(base)
                    try Data(PhononBandPlot.csv(r).utf8).write(to: stem.appendingPathExtension("band.csv"), options: .atomic)
                    try Data(PhononBandPlot.svg(r, title: "\(r.formula) (\(loaded.label))").utf8).write(to: stem.appendingPathExtension("band.svg"), options: .atomic)
                }
                if json { records.append(Self.record(entry.name, r, model: loaded.label)) } else { print(Self.text(entry.name, r)) }
            } catch {
                FileHandle.standardError.write(Data("kiln phonons: \(entry.name): \(describe(error))\n".utf8))
                failed = true
            }
        }
        if json { print(try jsonText(records)) }
        if failed { throw ExitCode.failure }
    }

    static func record(_ name: String, _ r: PhononCalculator.Result, model: String) -> [String: Any] {
        [
            "file": name, "formula": r.formula, "model": model, "supercell": r.supercell, "supercell_atoms": r.supercellAtoms,
            "displacements": r.displacements, "gamma_THz": r.gamma, "mesh": r.mesh, "minimum_THz": r.minimumFrequency,
            "minimum_q": r.minimumAt, "dynamically_stable": r.dynamicallyStable, "tolerance_THz": r.tolerance, "seconds": r.seconds,
            "path": r.path.map { ["q": $0.q, "distance": $0.distance, "label": $0.label ?? "", "frequencies_THz": $0.frequencies] as [String: Any] },
        ]
    }

    static func text(_ name: String, _ r: PhononCalculator.Result) -> String {
        let verdict = r.dynamicallyStable ? "dynamically stable" : "dynamically UNSTABLE"
        return [
            "\(name): \(r.formula), \(r.supercell.map(String.init).joined(separator: "×")) supercell (\(r.supercellAtoms) atoms), \(r.displacements) displacements, \(String(format: "%.1f", r.seconds)) s",
            "  Γ (THz): " + r.gamma.map { String(format: "%.3f", $0) }.joined(separator: " "),
            String(format: "  lowest %.3f THz at q = (%.3f, %.3f, %.3f) on the %@ mesh and the path: %@ (tolerance %.2f THz)",
                   r.minimumFrequency, r.minimumAt[0], r.minimumAt[1], r.minimumAt[2], r.mesh.map(String.init).joined(separator: "×"), verdict, r.tolerance),
        ].joined(separator: "\n")
    }
}
