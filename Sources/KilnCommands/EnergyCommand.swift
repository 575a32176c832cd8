import ArgumentParser
import Crystal
import Foundation
import KilnSupport
import Potentials

/// `kiln energy FILE… [--json] [--engine fused|tensor]`: CHGNet 0.3.0 single points.
struct EnergyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "energy",
        abstract: "CHGNet 0.3.0 energy per atom, forces, stress and magnetic moments.",
        discussion: """
            Reads every structure in each file (CIF, POSCAR/CONTCAR/.vasp, extended XYZ, pymatgen JSON; \
            .gz accepted) and in the structure files below each folder. Units: eV/atom, eV/Å, GPa \
            (CHGNet's sign: positive = tensile), µB. Files or structures that cannot be evaluated are \
            reported on stderr; the exit code is then 1.
            """)

    @OptionGroup var inputs: StructureFiles

    @Flag(help: "Print one JSON array with a record per structure.")
    var json = false

    @OptionGroup var chgnet: CHGNetOptions

    func run() throws {
        let (entries, skipped) = try inputs.loadReadable(command: "energy")
        let model = try chgnet.model()
        var records: [[String: Any]] = []
        var failed = skipped > 0
        // Structures run side by side (one per core; a large one's loops spread over the cores
        // only while nothing else runs); results are reported in input order as they complete.
        var done: [Int: Result<CalculationResult, Error>] = [:], reported = 0
        _ = WorkQueue.map(entries.count, progress: { _, finished in
            done[finished.index] = finished.result
            while let result = done.removeValue(forKey: reported) {
                let input = entries[reported]
                switch result {
                case .success(let r):
                    if json { records.append(Self.record(input.name, input.structure, r)) } else {
                        print(Self.text(input.name, input.structure, r))
                    }
                case .failure(let error):
                    Self.warn("\(input.name): \(describe(error))")
                    failed = true
                }
                reported += 1
            }
        }) { i in (index: i, result: Result { try model.calculate(entries[i].structure, properties: .all) }) }
        if json { print(try jsonText(records)) }
        if failed { throw ExitCode.failure }
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("kiln energy: \(message)\n".utf8))
    }

    static func record(_ label: String, _ s: Structure, _ r: CalculationResult) -> [String: Any] {
        [
            "file": label, "formula": s.formula, "n_sites": s.count,
            "energy_eV": r.energy, "energy_per_atom_eV": r.energy / Double(s.count),
            "forces_eV_per_A": r.forces.map { [$0.x, $0.y, $0.z] },
            "stress_GPa": r.stress?.array ?? [],
            "magmoms_muB": r.magmoms,
        ]
    }

    static func text(_ label: String, _ s: Structure, _ r: CalculationResult) -> String {
        var lines = [
            "\(label): \(s.formula) (\(s.count) sites)",
            String(format: "  energy  %.6f eV/atom  (%.6f eV)", r.energy / Double(s.count), r.energy),
        ]
        if let st = r.stress {
            lines.append("  stress (GPa)")
            for a in 0..<3 { lines.append(String(format: "    %12.5f %12.5f %12.5f", st[a, 0], st[a, 1], st[a, 2])) }
        }
        lines.append("  site  element      Fx (eV/Å)     Fy (eV/Å)     Fz (eV/Å)   magmom (µB)")
        for (i, f) in r.forces.enumerated() {
            let element = s.sites[i].species.description
            let padded = element + String(repeating: " ", count: max(0, 7 - element.count))
            lines.append(String(format: "  %4d  ", i) + padded
                + String(format: " %13.6f %13.6f %13.6f %13.4f", f.x, f.y, f.z, r.magmoms[i]))
        }
        return lines.joined(separator: "\n")
    }
}
