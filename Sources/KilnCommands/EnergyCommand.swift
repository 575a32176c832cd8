import ArgumentParser
import Crystal
import Foundation
import KilnSupport
import Potentials

/// `kiln energy FILE… [--json] [--model NAME] [--engine fused|tensor]`: single points of a universal potential.
struct EnergyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "energy",
        abstract: "Energy per atom, forces, stress and magnetic moments from a universal potential (--model, default \(PotentialModel.default.rawValue)).",
        discussion: """
            Reads every structure in each file (CIF, POSCAR/CONTCAR/.vasp, extended XYZ, pymatgen JSON; \
            .gz accepted) and in the structure files below each folder. Units: eV/atom, eV/Å, GPa \
            (ASE's sign: positive = tensile), µB (magnetic moments from models that predict them). The model \
            and its version are printed first (text) or in each record's "model" (JSON). Files or structures that cannot be evaluated are \
            reported on stderr; the exit code is then 1.
            """)

    @OptionGroup var inputs: StructureFiles

    @Flag(help: "Print one JSON array with a record per structure.")
    var json = false

    @OptionGroup var potential: ModelOptions

    func run() throws {
        let (entries, skipped) = try inputs.loadReadable(command: "energy")
        let potential = try self.potential.load()
        if !json { print("model: \(potential.label)") }
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
                    if json { records.append(Self.record(input.name, input.structure, r, model: potential.label)) } else {
                        print(Self.text(input.name, input.structure, r))
                    }
                case .failure(let error):
                    Self.warn("\(input.name): \(describe(error))")
                    failed = true
                }
                reported += 1
            }
        }) { i in (index: i, result: Result { try potential.calculator.calculate(entries[i].structure, properties: .all) }) }
        if json { print(try jsonText(records)) }
        if failed { throw ExitCode.failure }
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("kiln energy: \(message)\n".utf8))
    }

    static func record(_ label: String, _ s: Structure, _ r: CalculationResult, model: String) -> [String: Any] {
        [
            "file": label, "formula": s.formula, "n_sites": s.count, "model": model,
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
        // Magnetic moments only from a model that predicts them.
        let magmoms = r.magmoms.count == r.forces.count
        lines.append("  site  element      Fx (eV/Å)     Fy (eV/Å)     Fz (eV/Å)" + (magmoms ? "   magmom (µB)" : ""))
        for (i, f) in r.forces.enumerated() {
            let element = s.sites[i].species.description
            let padded = element + String(repeating: " ", count: max(0, 7 - element.count))
            lines.append(String(format: "  %4d  ", i) + padded + String(format: " %13.6f %13.6f %13.6f", f.x, f.y, f.z)
                + (magmoms ? String(format: " %13.4f", r.magmoms[i]) : ""))
        }
        return lines.joined(separator: "\n")
    }
}
