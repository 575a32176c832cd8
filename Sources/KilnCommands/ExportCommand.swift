import ArgumentParser
import DFT
import Foundation

/// `kiln export dft --code vasp|qe FILES… --out DIR`: DFT inputs for candidates.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write inputs for other codes.", subcommands: [ExportDFTCommand.self])
}

struct ExportDFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dft",
        abstract: "Write ready-to-run DFT relaxation inputs for structures.",
        discussion: """
            --code vasp writes, per structure, a folder with Materials Project's relaxation inputs as \
            pymatgen's MPRelaxSet makes them (checked tag by tag against pymatgen on 226 structures): \
            INCAR, KPOINTS, POSCAR and POTCAR.spec (the POTCAR symbols of the PBE set; POTCARs cannot be \
            shipped: concatenate your own). Energies from these runs are on the scale of MP's entries \
            (`kiln ingest` takes them as dft outcomes, MP2020-corrected on the hull). --code qe writes \
            a pw.x input (pw.in) per structure with MP's k-mesh density, initial moments and +U, the \
            cut-offs the pseudopotentials recommend (the largest over the elements), and one UPF file \
            per element from --pseudo-dir (docs/dft.md).
            """)

    enum Code: String, ExpressibleByArgument, CaseIterable { case vasp, qe }

    @Option(help: "The DFT code (vasp or qe).")
    var code: Code

    @Option(help: "With --code qe: the folder of UPF pseudopotentials (e.g. /usr/share/espresso/pseudo).")
    var pseudoDir: String?

    @Option(help: "With --code qe: the pw.x calculation (scf, relax or vc-relax).")
    var calculation: String = "vc-relax"

    @Option(help: "With --code qe: the functional of the pseudopotentials to use.")
    var functional: String = "PBE"

    func validate() throws {
        if code == .qe && pseudoDir == nil { throw ValidationError("--code qe needs --pseudo-dir (a folder of UPF pseudopotentials)") }
        if code == .qe && QEInputSet.Calculation(rawValue: calculation) == nil { throw ValidationError("--calculation: expected scf, relax or vc-relax, got '\(calculation)'") }
    }

    @OptionGroup var input: StructureFiles

    @Option(help: "Output folder (one subfolder per structure).")
    var out: String

    func run() throws {
        let (inputs, skipped) = try input.loadReadable(command: "export dft")
        let root = URL(fileURLWithPath: out)
        var used: Set<String> = []
        for (k, i) in inputs.enumerated() {
            var name = URL(fileURLWithPath: i.name.replacingOccurrences(of: "#", with: "-")).deletingPathExtension().lastPathComponent
            if used.contains(name) { name += "-\(k + 1)" }
            used.insert(name)
            do {
                if code == .qe {
                    let set = try QEInputSet(structure: i.structure, pseudoDirectory: URL(fileURLWithPath: pseudoDir!),
                                             calculation: QEInputSet.Calculation(rawValue: calculation)!, functional: functional)
                    try set.write(to: root.appendingPathComponent(name))
                    print("\(root.appendingPathComponent(name).path)/pw.in: \(set.pseudopotentials.map(\.file).joined(separator: " ")) · "
                          + String(format: "ecutwfc %g Ry, ecutrho %g Ry · ", set.ecutwfc, set.ecutrho)
                          + "k-mesh \(set.kpointGrid.map(String.init).joined(separator: "×"))" + (set.hubbardU.isEmpty ? "" : " · +U")
                          + (set.startingMagnetization.isEmpty ? "" : " · spin-polarised"))
                    continue
                }
                let set = try VASPInputSet(mpRelax: i.structure)
                try set.write(to: root.appendingPathComponent(name))
                print("\(root.appendingPathComponent(name).path): \(set.symbols.joined(separator: " ")) · POTCARs \(set.potcars.joined(separator: " ")) · "
                      + "k-mesh \(set.kpointStyle) \(set.kpointGrid.map(String.init).joined(separator: "×"))"
                      + (set.incar.contains { $0.key == "LDAUU" } ? " · +U" : ""))
            } catch { throw CommandError("\(i.name): \(describe(error))") }
        }
        if skipped > 0 { throw ExitCode(1) }
    }
}
