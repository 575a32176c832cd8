import ArgumentParser
import Crystal
import Foundation
import Symmetry

/// `kiln info FILE…`: formula, space group, lattice, density and sites.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Summarize structures: formula, space group, lattice, density, sites.",
        discussion: "Unreadable files among several are reported on stderr and skipped; the exit status is then 1.")

    @OptionGroup var inputs: StructureFiles

    @OptionGroup var symmetry: SymmetryOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let (entries, skipped) = try inputs.loadReadable(command: "info")
        var reports: [[String: Any]] = []
        for input in entries {
            let s = input.structure
            let problems = s.problems()
            let sg = problems.isEmpty ? try? SymmetryDataset(s, symprec: symmetry.symprec) : nil
            if json {
                reports.append([
                    "file": input.name, "formula": s.formula, "reduced_formula": s.reducedFormula,
                    "n_sites": s.count, "is_ordered": s.isOrdered,
                    "space_group": sg.map { ["number": $0.number, "symbol": $0.international] as [String: Any] } ?? NSNull(),
                    "lattice": ["matrix": s.lattice.matrix.array, "parameters": s.lattice.parameters],
                    "volume": s.volume, "density": s.density, "problems": problems,
                    "sites": s.sites.map { site -> [String: Any] in
                        ["species": site.occupancy.map { ["species": $0.species.description, "occupancy": $0.occupancy] },
                         "frac": [site.frac.x, site.frac.y, site.frac.z], "label": site.label ?? NSNull()]
                    },
                ])
                continue
            }
            let p = s.lattice.parameters
            print("\(input.name)")
            print("  formula      \(s.formula)  (reduced \(s.reducedFormula))\(s.isOrdered ? "" : ", disordered")")
            print("  space group  " + (sg.map { "\($0.international) (\($0.number)), symprec \(symmetry.symprec) Å" } ?? "not determined"))
            print(String(format: "  lattice      a %.5f  b %.5f  c %.5f Å   α %.3f  β %.3f  γ %.3f°", p[0], p[1], p[2], p[3], p[4], p[5]))
            print(String(format: "  volume       %.4f Å³ (%.3f Å³/atom)   density %.4f g/cm³", s.volume, s.volumePerAtom, s.density))
            for problem in problems { print("  problem      \(problem)") }
            print("  sites (\(s.count)):")
            for (i, site) in s.sites.enumerated() {
                let sp = site.occupancy.map { $0.occupancy == 1 ? $0.species.description : "\($0.species):\($0.occupancy)" }
                    .joined(separator: ",")
                print(String(format: "    %4d  %-10@ %10.6f %10.6f %10.6f", i, sp, site.frac.x, site.frac.y, site.frac.z))
            }
        }
        if json { print(try jsonText(entries.count == 1 ? reports[0] : reports)) }
        if skipped > 0 { throw ExitCode.failure }
    }
}
